package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.cuda.CudaSupport;
import org.junit.jupiter.api.Test;

class DeviceTest {

    @Test
    void autoChoosesForEachModelAndTheSmallOnesStayOnTheCpu() {
        assertSame(Device.auto(), Device.auto());
        assertEquals("auto", Device.auto().toString());
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.auto(), 1, 2, 3, 2, 0)) {
            assertEquals("cpu", model.backend.name());
            assertEquals("HandScheduledMlp on cpu", model.toString());
            String why = Device.gpuProblem(model.layout());
            assertNotNull(why);
            if (CudaSupport.deviceProblem(0) == null) {
                assertTrue(why.startsWith("the network is too small for a GPU to pay (23 multiply-adds per sample"), why);
            } else {
                assertEquals(CudaSupport.deviceProblem(0), why);
            }
        }
    }

    @Test
    void workPerSampleIsTheSumOfTheLayersEstimates() {
        // The processor's kinds estimate each layer's work: a convolution's weights at every output
        // position, a recurrent layer's at every time step, a dense layer's once.
        NetworkLayout layout = NetworkLayout.builder("Mixed")
                .input("image", 0, 28, 28, 1)
                .output("output", 0, Activation.Kind.SOFTMAX, 0, 10)
                .activationSize(784)
                .layer("image", "InputLayer", new int[] {28, 28, 1}, 0, 0)
                .layer("conv", "Conv2D", new int[] {26, 26, 32}, 320, 320L * 26 * 26)
                .layer("lstm", "LSTM", new int[] {16}, 1000, 1000L * 28)
                .layer("output", "Dense", new int[] {10}, 170, 170)
                .build();
        assertEquals(320L * 26 * 26 + 1000L * 28 + 170, Device.multiplyAddsPerSample(layout));
    }

    @Test
    void cudaIsRefusedWithTheReasonWhereThereIsNoGpu() {
        String problem = CudaSupport.deviceProblem(0);
        if (problem == null) {
            assertEquals("cuda:0 (tf32)", Device.cuda(0).withTf32().toString());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, Device::cuda);
            assertEquals("Device.cuda(0) is not available: " + problem, e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> Device.cpu().withTf32());
    }

    @Test
    void devicesNameTheirBackends() {
        assertEquals("cpu", Device.cpu().toString());
        assertEquals("reference", Device.reference().toString());
        assertEquals("cuda host executor", Device.cudaHostExecutor().toString());
        assertEquals("cuda host executor (no step graphs) (generic kernels)",
                Device.cudaHostExecutor().withoutStepGraphs().withGenericKernels().toString());
        assertEquals("cuda host executor (no cudnn)", Device.cudaHostExecutor().withoutCudnn().toString());
        assertThrows(IllegalStateException.class, () -> Device.cpu().withoutCudnn());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Device.cpu().withGenericKernels());
        assertEquals("the choice of kernels is a GPU setting; cpu is not a GPU", e.getMessage());
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 1, 2, 3, 2, 0)) {
            assertEquals("cpu", model.backend.name());
            assertEquals("HandScheduledMlp on cpu", model.toString());
        }
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 2, 3, 2, 0)) {
            assertEquals("reference", model.backend.name());
        }
    }
}
