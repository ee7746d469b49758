package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.callbacks.Callback;
import dev.annonet.runtime.callbacks.Training;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The threading contract of {@link Model} and {@link Predictor} (issue 17): shared models give
 * the single-threaded results, concurrent calls take turns, and closing while other threads work
 * never crashes the JVM. Sized to run in seconds on two cores; the first Dense layer is MNIST's
 * (784 inputs, mostly zeros), so the CPU backend runs its sparse products, sgemv and sgemm.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one thread pool for all cases; devices() may be overridden
class ThreadsTest {
    private static final int THREADS = 4;
    private static final int INPUTS = 784;
    private static final int HIDDEN = 64;
    private static final int CLASSES = 10;
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);

    /** The devices every case runs on; CudaDeviceThreadsTest runs them on a GPU. */
    Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor());
    }

    @AfterAll
    void stopThreads() {
        pool.shutdownNow();
    }

    @ParameterizedTest
    @MethodSource("devices")
    void threadsPredictingOnOneModelGetTheSingleThreadedResults(Device device) throws Exception {
        Tensor x = digitsLike(64, 1);
        try (HandScheduledMlp model = mlp(device)) {
            float[][] singles = singleSamples(model, x);
            Tensor batches = model.predict(x);
            onThreads(THREADS, thread -> {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < x.samples(); i++) {
                        assertArrayEquals(singles[i], model.predict(x.row(i)), "sample " + i);
                    }
                    assertArrayEquals(batches.values(), model.predict(x).values());
                }
            });
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void predictorsOnSeveralThreadsGiveTheModelsOutputs(Device device) throws Exception {
        Tensor x = digitsLike(64, 2);
        Tensor dense = TestData.uniform(64, INPUTS, 7); // on the CPU: sgemm and sgemv, not the sparse products
        try (HandScheduledMlp model = mlp(device)) {
            float[][] singles = singleSamples(model, x);
            float[][] denseSingles = singleSamples(model, dense);
            Tensor batches = model.predict(x);
            Tensor byFive = model.predict(x, 5);
            Tensor denseBatches = model.predict(dense);
            Predictor shared = model.predictor();
            onThreads(THREADS, thread -> {
                try (Predictor own = model.predictor()) {
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < x.samples(); i++) {
                            Predictor predictor = i % 4 == thread ? shared : own;
                            assertArrayEquals(singles[i], predictor.predict(x.row(i)), "sample " + i);
                            assertArrayEquals(denseSingles[i], predictor.predict(dense.row(i)), "dense sample " + i);
                        }
                        assertArrayEquals(batches.values(), own.predict(x).values());
                        assertArrayEquals(denseBatches.values(), own.predict(dense).values());
                        assertArrayEquals(byFive.values(), own.predict(x, 5).values());
                        assertArrayEquals(byFive.values(), shared.predict(x, 5).values());
                    }
                }
            });
            shared.close();
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void concurrentFitsTakeTurnsAndEqualFitsInSequence(Device device) throws Exception {
        int[] labels = new int[150];
        Tensor x = TestData.threeBlobs(labels);
        Tensor y = Labels.oneHot(labels, 3);
        Fit options = Fit.options().batchSize(16).epochs(4).verbose(0);
        float[] sequentialWeights;
        List<Double> sequentialAccuracies = new ArrayList<>();
        try (HandScheduledMlp model = blobsMlp(device)) {
            for (int i = 0; i < 2; i++) {
                sequentialAccuracies.addAll(model.fit(x, y, options).get("accuracy"));
            }
            sequentialWeights = model.hidden().kernel().toArray();
        }
        try (HandScheduledMlp model = blobsMlp(device)) {
            List<List<Double>> accuracies = new ArrayList<>();
            onThreads(2, thread -> {
                List<Double> accuracy = model.fit(x, y, options).get("accuracy");
                synchronized (accuracies) {
                    accuracies.add(accuracy);
                }
            });
            assertArrayEquals(sequentialWeights, model.hidden().kernel().toArray());
            List<Double> all = new ArrayList<>(accuracies.get(0));
            all.addAll(accuracies.get(1));
            assertTrue(all.stream().allMatch(a -> a >= 0 && a <= 1), all.toString());
            // The two fits ran one after the other: together, the epochs of the sequential run.
            List<Double> swapped = new ArrayList<>(accuracies.get(1));
            swapped.addAll(accuracies.get(0));
            assertTrue(all.equals(sequentialAccuracies) || swapped.equals(sequentialAccuracies),
                    all + " against " + sequentialAccuracies);
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void aPredictorMadeDuringAFitAndHandedToAnotherThreadWaitsForTheFit(Device device) throws Exception {
        int[] labels = new int[150];
        Tensor x = TestData.threeBlobs(labels);
        Tensor y = Labels.oneHot(labels, 3);
        try (HandScheduledMlp model = blobsMlp(device)) {
            List<Future<float[]>> prediction = new ArrayList<>();
            Callback handOver = new Callback() {
                @Override
                public void onTrainBegin(Training training) {
                    Predictor predictor = model.predictor();
                    prediction.add(pool.submit(() -> predictor.predict(x.row(0))));
                }

                @Override
                public void onTrainEnd(Training training) {
                    assertThrows(TimeoutException.class, () -> prediction.get(0).get(200, TimeUnit.MILLISECONDS));
                }
            };
            model.fit(x, y, Fit.options().batchSize(16).epochs(2).verbose(0).callbacks(handOver));
            assertArrayEquals(model.predict(x.row(0)), prediction.get(0).get(30, TimeUnit.SECONDS));
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void closingWhilePredictingOrFittingWaitsAndThenRefuses(Device device) throws Exception {
        Tensor x = digitsLike(32, 3);
        Tensor y = Labels.oneHot(TestData.labels(32, CLASSES, 4), CLASSES);
        for (int attempt = 0; attempt < 5; attempt++) {
            HandScheduledMlp model = mlp(device);
            model.compile(Optimizers.adam(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            Predictor predictor = model.predictor();
            CountDownLatch running = new CountDownLatch(3);
            List<Future<?>> workers = List.of(
                    untilClosed(running, () -> model.predict(x.row(0))),
                    untilClosed(running, () -> predictor.predict(x)),
                    untilClosed(running, () -> model.fit(x, y, Fit.options().batchSize(8).epochs(1).verbose(0))));
            assertTrue(running.await(30, TimeUnit.SECONDS));
            model.close();
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS); // each ended with "is closed", and nothing else
            }
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void predictorsOfAClosedModelOrClosedThemselvesRefuse(Device device) {
        Tensor x = digitsLike(2, 5);
        HandScheduledMlp model = mlp(device);
        Predictor closedFirst = model.predictor();
        Predictor open = model.predictor();
        closedFirst.close();
        closedFirst.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> closedFirst.predict(x.row(0)));
        assertEquals("this predictor of model 'HandScheduledMlp' is closed", e.getMessage());
        assertEquals(CLASSES, open.predict(x.row(1)).length);
        model.close();
        e = assertThrows(IllegalStateException.class, () -> open.predict(x));
        assertEquals("model 'HandScheduledMlp' is closed", e.getMessage());
        assertThrows(IllegalStateException.class, model::predictor);
        open.close();
    }

    @ParameterizedTest
    @MethodSource("devices")
    void predictionsSeeTheWeightsBeforeOrAfterALoadNeverHalfOfIt(Device device, @TempDir Path directory) throws Exception {
        Tensor x = digitsLike(8, 6);
        Path first = directory.resolve("first.safetensors");
        Path second = directory.resolve("second.safetensors");
        try (HandScheduledMlp model = mlp(device);
             HandScheduledMlp other = HandScheduledMlp.create(device, 99, INPUTS, HIDDEN, CLASSES, 0)) {
            model.save(first);
            other.save(second);
            Tensor firstOutputs = model.predict(x);
            Tensor secondOutputs = other.predict(x);
            AtomicBoolean loading = new AtomicBoolean(true);
            Future<?> loads = pool.submit(() -> {
                for (int i = 0; i < 20; i++) {
                    model.load(i % 2 == 0 ? second : first);
                }
                loading.set(false);
                return null;
            });
            onThreads(THREADS - 1, thread -> {
                try (Predictor predictor = model.predictor()) {
                    do {
                        float[] outputs = predictor.predict(x).values();
                        assertTrue(Arrays.equals(outputs, firstOutputs.values()) || Arrays.equals(outputs, secondOutputs.values()),
                                "outputs of neither weights: " + Arrays.toString(outputs));
                    } while (loading.get());
                }
            });
            loads.get();
        } finally {
            Files.deleteIfExists(first);
            Files.deleteIfExists(second);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static HandScheduledMlp mlp(Device device) {
        return HandScheduledMlp.create(device, 42, INPUTS, HIDDEN, CLASSES, 0.2);
    }

    private static HandScheduledMlp blobsMlp(Device device) {
        HandScheduledMlp model = HandScheduledMlp.create(device, 42, 2, 16, 3, 0.1);
        model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy(), Metrics.accuracy());
        return model;
    }

    /** Samples like MNIST digits: about 80% zeros, the rest in (0, 1]. */
    private static Tensor digitsLike(int samples, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[samples * INPUTS];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() < 0.2 ? (float) (1 - random.nextDouble()) : 0;
        }
        return Tensor.of(values, samples, INPUTS);
    }

    private static float[][] singleSamples(HandScheduledMlp model, Tensor x) {
        float[][] outputs = new float[x.samples()][];
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = model.predict(x.row(i));
        }
        return outputs;
    }

    private interface ThreadWork {
        void run(int thread) throws Exception;
    }

    /** Runs {@code work} on {@code threads} threads at once; rethrows the first failure. */
    private void onThreads(int threads, ThreadWork work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                work.run(thread);
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : futures) {
            try {
                future.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    /** Calls {@code call} in a loop until it fails; the failure must be the model's "is closed". */
    private Future<?> untilClosed(CountDownLatch running, Callable<?> call) {
        return pool.submit(() -> {
            call.call();
            running.countDown();
            try {
                while (true) {
                    call.call();
                }
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage().endsWith("is closed"), e.getMessage());
            }
            return null;
        });
    }
}
