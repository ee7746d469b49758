package dev.annonet.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.cuda.NetworkKernels;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizer;
import dev.annonet.runtime.Optimizers;
import dev.annonet.samples.cnn.MnistCnnCudaKernels;
import dev.annonet.samples.cnn.MnistCnnModel;
import dev.annonet.samples.mnist.MnistMlpCudaKernels;
import dev.annonet.samples.mnist.MnistMlpModel;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On a GPU, the sample networks' own kernels (nvcc-built in this module) run inside the recorded
 * training steps and train as annonet-native's generic kernels do. Run by scripts/gpu-check.sh.
 */
@Tag("gpu")
class GpuNetworkKernelsTest {

    @Test
    void theMlpsOwnKernelsTrainAsTheGenericOnes() {
        assertSameTraining(new MnistMlpCudaKernels(), seed -> MnistMlpModel.create(Device.cuda(0), seed),
                seed -> MnistMlpModel.create(Device.cuda(0).withGenericKernels(), seed), () -> Optimizers.rmsprop(1e-3f));
    }

    @Test
    void theConvnetsOwnKernelsTrainAsTheGenericOnes() {
        assertSameTraining(new MnistCnnCudaKernels(), seed -> MnistCnnModel.create(Device.cuda(0), seed),
                seed -> MnistCnnModel.create(Device.cuda(0).withGenericKernels(), seed), () -> Optimizers.adam(1e-3f));
    }

    private static void assertSameTraining(NetworkKernels kernels, Function<Long, Model> own, Function<Long, Model> generic,
                                           Supplier<Optimizer> optimizer) {
        assertNull(kernels.loadProblem(), kernels.description());
        long before = kernels.specializedLaunches();
        float[] ownPredictions = NetworkKernelsTest.train(own, optimizer.get(), 256, 32);
        assertTrue(kernels.specializedLaunches() > before, "the recorded steps ran no specialized kernel");
        float[] genericPredictions = NetworkKernelsTest.train(generic, optimizer.get(), 256, 32);
        assertEquals(genericPredictions.length, ownPredictions.length);
        for (int i = 0; i < ownPredictions.length; i++) {
            assertEquals(genericPredictions[i], ownPredictions[i], 1e-5, "prediction value " + i);
        }
    }
}
