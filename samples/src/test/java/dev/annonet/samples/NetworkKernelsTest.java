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
