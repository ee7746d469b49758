package dev.annonet.samples.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.Weights;
import dev.annonet.runtime.data.Dataset;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.runtime.distributed.Communicator;
import dev.annonet.runtime.distributed.CommunicatorException;
import dev.annonet.runtime.distributed.InProcessGroup;
import dev.annonet.runtime.distributed.TcpRing;
import dev.annonet.samples.cnn.MnistCnnModel;
import dev.annonet.samples.mnist.EmbeddedMnist;
import dev.annonet.samples.mnist.MnistMlpModel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Data-parallel fit on the CPU backend equals one process at the global batch size: N ranks of
 * batch B each give the weights of 1 rank at batch N·B to 1e-6, with shuffling and dropout, for
 * the course's MNIST MLP and CNN, and every rank logs the global batch's loss and metrics. So does
 * the CUDA backend's path on the host executor: gradients and the recorded step's results summed
 * in place by the in-process group, as NCCL sums them on a GPU, inside the step that records.
 */
@Timeout(300)
class DataParallelFitTest {
    private static final Mnist MNIST = EmbeddedMnist.load();
    private final ExecutorService ranks = Executors.newCachedThreadPool();

    @AfterEach
    void stopRanks() {
        ranks.shutdownNow();
    }

    @Test
    void twoRanksOfTheMnistMlpMatchOneProcessAtTheGlobalBatch() throws Exception {
        // 300 samples in global batches of 64: four whole ones and a last one of 44, cut 24 + 20
        Tensor x = images(300);
        Tensor y = oneHot(300);
        checkEquivalence(seed -> mlp(seed), x, y, 64, 2, 2, InProcessGroup.create(2));
    }

    @Test
    void twoHostExecutorRanksOfTheMnistMlpSumOnTheDeviceAndMatchOneProcess() throws Exception {
        checkEquivalence(seed -> mlp(seed, Device.cudaHostExecutor()), images(300), oneHot(300), 64, 2, 2,
                InProcessGroup.create(2));
    }

    @Test
    void twoHostExecutorRanksOfTheMnistCnnSumOnTheDeviceAndMatchOneProcess() throws Exception {
        checkEquivalence(seed -> cnn(seed, Device.cudaHostExecutor()), Tensor.of(images(64).toArray(), 64, 28, 28, 1),
                oneHot(64), 32, 1, 2, InProcessGroup.create(2));
    }

    @Test
    void hostExecutorRanksThatRunKernelByKernelSumGradientsOnTheDeviceAndResultsOnTheHost() throws Exception {
        checkEquivalence(seed -> mlp(seed, Device.cudaHostExecutor().withoutStepGraphs()), images(100), oneHot(100), 32, 2,
                2, InProcessGroup.create(2));
    }

    @Test
    void threeHostExecutorRanksWithAnEmptySliceSumZeroResults() throws Exception {
        // the last batch of 10 is cut 8 + 2 + 0: rank 2 records a step with no loss, whose results it sums as zeros
        checkEquivalence(seed -> mlp(seed, Device.cudaHostExecutor()), images(50), oneHot(50), 20, 2, 3,
                InProcessGroup.create(3));
    }

    @Test
    void aRecordingBackendRefusesACommunicatorThatCannotSumItsMemory() throws Exception {
        List<Communicator> ring = tcpRing(1);
        try (Model model = mlp(42, Device.cudaHostExecutor()); Communicator alone = ring.get(0)) {
            IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> model.fit(images(16),
                    oneHot(16), Fit.options().batchSize(16).verbose(0).dataParallel(alone)));
            assertTrue(failure.getMessage().contains("sums this backend's memory in place"), failure.getMessage());
        }
    }

    @Test
    void twoRanksOfTheMnistCnnMatchOneProcessAtTheGlobalBatch() throws Exception {
        Tensor x = Tensor.of(images(64).toArray(), 64, 28, 28, 1);
        Tensor y = oneHot(64);
        checkEquivalence(seed -> cnn(seed), x, y, 32, 1, 2, InProcessGroup.create(2));
    }

    @Test
    void threeRanksOverTcpWithAnEmptySliceInTheLastBatch() throws Exception {
        // global batch 20 cut 8 + 8 + 4; the last batch of 10 is cut 8 + 2 + 0
        checkEquivalence(seed -> mlp(seed), images(50), oneHot(50), 20, 2, 3, tcpRing(3));
    }

    /**
     * Trains one model on the whole of each global batch and {@code worldSize} models on their
     * slices, on threads, and compares every weight of every rank, and the histories.
     */
    private void checkEquivalence(LongFunction<Model> create, Tensor x, Tensor y, int globalBatch, int epochs,
                                  int worldSize, List<Communicator> group) throws Exception {
        float[][] expected;
        History single;
        try (Model model = create.apply(42)) {
            single = model.fit(x, y, Fit.options().batchSize(globalBatch).epochs(epochs).verbose(0));
            expected = weights(model);
        }
        List<Future<Object[]>> results = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (Communicator communicator : group) {
            results.add(ranks.submit(() -> {
                try (Model model = create.apply(42); communicator) {
                    History history = model.fit(x, y, Fit.options().batchSize(globalBatch).epochs(epochs).verbose(0)
                            .dataParallel(communicator));
                    return new Object[] {weights(model), history};
                }
            }));
        }
        List<Object[]> perRank = new ArrayList<>();
        for (Future<Object[]> result : results) {
            try {
                perRank.add(result.get(240, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                perRank.add(null);
                failures.add(e.getCause());
            }
        }
        // the rank that failed first, not the peers whose collective calls it then broke
        failures.sort(Comparator.comparing(failure -> failure instanceof CommunicatorException));
        if (!failures.isEmpty()) {
            throw new AssertionError("a rank failed", failures.get(0));
        }
        for (int rank = 0; rank < worldSize; rank++) {
            Object[] result = perRank.get(rank);
            float[][] actual = (float[][]) result[0];
            for (int w = 0; w < expected.length; w++) {
                assertArrayEquals(expected[w], actual[w], 1e-6f, "rank " + rank + ", weight " + w);
            }
            History history = (History) result[1];
            for (String name : List.of("loss", "accuracy")) {
                for (int epoch = 0; epoch < epochs; epoch++) {
                    assertEquals(single.get(name).get(epoch), history.get(name).get(epoch), 1e-5,
                            "rank " + rank + ": " + name + " of epoch " + (epoch + 1));
                }
            }
        }
    }

    @Test
    void ranksWithDifferentSeedsAreRefused() throws Exception {
        List<Communicator> group = InProcessGroup.create(2);
        List<Future<Object>> calls = new ArrayList<>();
        for (Communicator communicator : group) {
            calls.add(ranks.submit(() -> {
                try (Model model = mlp(41 + communicator.rank()); communicator) {
                    return model.fit(images(16), oneHot(16), Fit.options().batchSize(16).verbose(0)
                            .dataParallel(communicator));
                }
            }));
        }
        Exception failure = assertThrows(Exception.class, () -> calls.get(0).get(60, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof IllegalStateException, String.valueOf(failure.getCause()));
        assertTrue(failure.getCause().getMessage().contains("rank 1 has model seed"), failure.getCause().getMessage());
    }

    @Test
    void batchNormalizationAndDatasetsAreRefusedBeforeTraining() {
        Communicator alone = InProcessGroup.create(1).get(0);
        try (SmallCnnModel model = SmallCnnModel.create(Device.cpu(), 7)) {
            model.compile(Optimizers.sgd(0.01f), Losses.categoricalCrossentropy());
            IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> model.fit(
                    Tensor.of(new float[8 * 8 * 2], 1, 8, 8, 2), Tensor.of(new float[] {1, 0, 0}, 1, 3),
                    Fit.options().verbose(0).dataParallel(alone)));
            assertTrue(failure.getMessage().contains("norm.moving_mean"), failure.getMessage());
        }
        try (Model model = mlp(42)) {
            Dataset digits = new Dataset() {
                @Override
                public long size() {
                    return 1;
                }

                @Override
                public int inputWidth() {
                    return 784;
                }

                @Override
                public int targetWidth() {
                    return 1;
                }

                @Override
                public int classes() {
                    return 10;
                }

                @Override
                public String source() {
                    return "no file";
                }

                @Override
                public void read(long[] samples, int count, float[] inputs, float[] targets) {
                    throw new AssertionError("a refused fit reads nothing");
                }
            };
            IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                    () -> model.fit(digits, Fit.options().dataParallel(alone)));
            assertTrue(failure.getMessage().contains("takes tensors"), failure.getMessage());
        }
    }

    private static Model mlp(long seed) {
        return mlp(seed, Device.cpu());
    }

    static Model mlp(long seed, Device device) {
        MnistMlpModel model = MnistMlpModel.create(device, seed);
        model.compile(Optimizers.rmsprop(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
        return model;
    }

    private static Model cnn(long seed) {
        return cnn(seed, Device.cpu());
    }

    static Model cnn(long seed, Device device) {
        MnistCnnModel model = MnistCnnModel.create(device, seed);
        model.compile(Optimizers.adam(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
        return model;
    }

    static Tensor images(int samples) {
        float[] values = Arrays.copyOf(MNIST.trainImages().toArray(), samples * 784);
        return Tensor.of(values, samples, 784);
    }

    static Tensor oneHot(int samples) {
        return Labels.oneHot(Arrays.copyOf(MNIST.trainLabels(), samples), 10);
    }

    static float[][] weights(Model model) {
        return model.weights().stream().map(Weights::toArray).toArray(float[][]::new);
    }

    private List<Communicator> tcpRing(int worldSize) throws Exception {
        List<TcpRing.Endpoint> endpoints = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            endpoints.add(TcpRing.Endpoint.bind(new InetSocketAddress("127.0.0.1", 0)));
            addresses.add(new InetSocketAddress("127.0.0.1", endpoints.get(rank).port()));
        }
        List<Future<TcpRing>> joined = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            int r = rank;
            joined.add(ranks.submit(() -> endpoints.get(r).connect(r, addresses, Duration.ofSeconds(60))));
        }
        List<Communicator> group = new ArrayList<>();
        for (Future<TcpRing> ring : joined) {
            group.add(ring.get(60, TimeUnit.SECONDS));
        }
        return group;
    }
}
