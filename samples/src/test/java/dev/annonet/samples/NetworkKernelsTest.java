package dev.annonet.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.cuda.NetworkKernels;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizer;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.Precision;
import dev.annonet.runtime.backend.UpdateRule;
import dev.annonet.runtime.backend.cuda.CudaBackend;
import dev.annonet.samples.cnn.MnistCnnCudaKernels;
import dev.annonet.samples.cnn.MnistCnnModel;
import dev.annonet.samples.lstm.MnistLstmCudaKernels;
import dev.annonet.samples.mnist.EmbeddedMnist;
import dev.annonet.samples.mnist.MnistMlpCudaKernels;
import dev.annonet.samples.mnist.MnistMlpModel;
import dev.annonet.samples.perceptron.PerceptronOrCudaKernels;
import dev.annonet.samples.xor.SingleUnitCudaKernels;
import dev.annonet.samples.xor.XorNetworkCudaKernels;
import dev.annonet.runtime.data.Mnist;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The sample networks' own CUDA kernels, which the processor writes and this module's build
 * compiles (nvcc, or the host compiler where nvcc is missing), run by the host executor: the
 * calls they specialize take the specialized path, and train exactly as the generic kernels do.
 */
class NetworkKernelsTest {
    private static final Mnist MNIST = EmbeddedMnist.load();

    @Test
    void everySampleNetworksKernelsAreBuiltAndLoad() {
        List<NetworkKernels> all = List.of(new MnistMlpCudaKernels(), new MnistCnnCudaKernels(), new MnistLstmCudaKernels(),
                new XorNetworkCudaKernels(), new SingleUnitCudaKernels(), new PerceptronOrCudaKernels());
        for (NetworkKernels kernels : all) {
            assertNull(kernels.loadProblem(), kernels.description());
            // Built in this build from the same headers, so the backend's layout check lets them run.
            assertEquals(CudaLibrary.contextLayout(), kernels.contextLayout(), kernels.description());
        }
    }

    /**
     * Per step of the MLP: hidden's bias + ReLU, the dropout, output's bias + softmax, the loss, the
     * accuracy, output's and hidden's bias gradients, the dropout's backward, hidden's ReLU backward
     * (softmax's is fused into the loss) and the RMSprop update. Each must find its specialization,
     * as must the two biases + activations of the closing prediction. The fused epilogues are off:
     * they hand the biases, the ReLU and the bias gradients to the GEMMs.
     */
    @Test
    void everyMlpKernelCallTakesItsSpecializedPath() {
        NetworkKernels kernels = new MnistMlpCudaKernels();
        long before = kernels.specializedLaunches();
        train(seed -> MnistMlpModel.create(Device.cudaHostExecutor().withoutFusedEpilogues(), seed), Optimizers.rmsprop(1e-3f),
                64, 32);
        assertEquals(2 * 10 + 2, kernels.specializedLaunches() - before);
    }

    @Test
    void theMlpTrainsExactlyAsWithTheGenericKernels() {
        NetworkKernels kernels = new MnistMlpCudaKernels();
        long before = kernels.specializedLaunches();
        float[] generic = train(seed -> MnistMlpModel.create(Device.cudaHostExecutor().withGenericKernels(), seed),
                Optimizers.rmsprop(1e-3f), 64, 32);
        assertEquals(before, kernels.specializedLaunches(), "withGenericKernels() ran the network's kernels");
        assertArrayEquals(generic,
                train(seed -> MnistMlpModel.create(Device.cudaHostExecutor(), seed), Optimizers.rmsprop(1e-3f), 64, 32));
    }

    /** The convnet's ReLU and bias gradients run over batch × positions rows; Adam over its buffer. */
    @Test
    void theConvnetTrainsExactlyAsWithTheGenericKernels() {
        NetworkKernels kernels = new MnistCnnCudaKernels();
        long before = kernels.specializedLaunches();
        float[] specialized = train(seed -> MnistCnnModel.create(Device.cudaHostExecutor(), seed), Optimizers.adam(1e-3f), 8, 4);
        assertTrue(kernels.specializedLaunches() - before >= 2 * 8, "specialized launches: "
                + (kernels.specializedLaunches() - before));
        assertArrayEquals(train(seed -> MnistCnnModel.create(Device.cudaHostExecutor().withGenericKernels(), seed),
                Optimizers.adam(1e-3f), 8, 4), specialized);
    }

    /**
     * The MLP's own RMSprop update (specialized to its 407,050 parameters) obeys the context's loss
     * scaling as the generic one does: gradients with an overflow leave weights and state alone.
     */
    @Test
    void theMlpsOwnUpdateSkipsAStepWhoseGradientsOverflowed() {
        NetworkKernels kernels = new MnistMlpCudaKernels();
        int count = 784 * 512 + 512 + 512 * 10 + 10;
        try (CudaBackend backend = CudaBackend.hostExecutor(false, kernels).withPrecision(Precision.MIXED_FLOAT16)) {
            Memory weights = backend.allocate(count);
            Memory gradients = backend.allocate(count);
            Memory state = backend.allocate(count);
            backend.fill(weights, 0, count, 1f);
            backend.fill(gradients, 0, count, 32768f);
            backend.fill(gradients, count - 1, 1, Float.POSITIVE_INFINITY);
            long before = kernels.specializedLaunches();
            backend.update(new UpdateRule.RmsProp(0.9f, 1e-7f), count, weights, gradients, state, null, 0.1f, 1);
            assertEquals(before + 1, kernels.specializedLaunches(), "the update took the MLP's own kernel");
            float[] after = new float[count];
            backend.download(weights, 0, after, 0, count);
            assertTrue(IntStream.range(0, count).allMatch(i -> after[i] == 1f), "a skipped step changed weights");
            backend.download(state, 0, after, 0, count);
            assertTrue(IntStream.range(0, count).allMatch(i -> after[i] == 0f), "a skipped step changed RMSprop's state");
            assertEquals(16384.0, backend.lossScale());
        }
    }

    /** Trains on the first {@code samples} digits for one epoch; the predictions for the next 16. */
    static float[] train(Function<Long, Model> create, Optimizer optimizer, int samples, int batchSize) {
        try (Model model = create.apply(42L)) {
            model.compile(optimizer, Losses.categoricalCrossentropy(), Metrics.accuracy());
            model.fit(firstImages(0, samples), Labels.oneHot(Arrays.copyOf(MNIST.trainLabels(), samples), 10),
                    Fit.options().batchSize(batchSize).epochs(1).verbose(0));
            return model.predict(firstImages(samples, samples + 16)).toArray();
        }
    }

    private static Tensor firstImages(int from, int to) {
        Tensor images = MNIST.trainImages();
        int[] shape = images.shape().clone();
        shape[0] = to - from;
        float[] values = images.toArray();
        int sampleSize = values.length / images.samples();
        return Tensor.of(Arrays.copyOfRange(values, from * sampleSize, to * sampleSize), shape);
    }
}
