package dev.annonet.samples.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.backend.cuda.CudaBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On a GPU, a training step (replayed as a CUDA graph) allocates nothing: no Java heap, no JavaCPP
 * memory, and no device memory (cudaMemGetInfo: the GPU must not be shared while this runs). Run by
 * scripts/gpu-check.sh.
 */
@Tag("gpu")
class GpuAllocationTest {

    @Test
    void aTrainingStepOnTheGpuAllocatesNothing() {
        try (Model model = SmallMlpModel.create(Device.cuda(0), 1)) {
            CudaBackend gpu = (CudaBackend) ModelInternals.backend(model);
            AllocationTest.trainUntilSteady(model, 20, 4);
            long deviceBefore = gpu.deviceMemoryUsed();
            AllocationTest.Steady steady = AllocationTest.trainUntilSteady(model, 20, 4);
            assertEquals(0, steady.heap(), "heap bytes allocated by 100 steps after warm-up");
            assertEquals(0, steady.nativeHeld(), "native bytes held after 100 steps");
            assertEquals(deviceBefore, gpu.deviceMemoryUsed(), "device bytes in use before and after the steps");
        }
    }
}
