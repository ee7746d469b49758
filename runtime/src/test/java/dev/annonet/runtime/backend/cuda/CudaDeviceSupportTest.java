package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.cuda.CudaTargets;
import org.junit.jupiter.api.Test;

/**
 * A GPU that annonet-native has no code for is refused when the device is chosen, with its name,
 * its compute capability and the targets shipped: Device.cuda(n) throws that, Device.auto() logs it
 * and falls back, where otherwise the first kernel would fail inside fit.
 */
class CudaDeviceSupportTest {

    @Test
    void aGpuOutsideTheTargetsIsRefusedNamingItsCapabilityAndTheTargets() {
        String refused = CudaSupport.unsupportedProblem(1, "Tesla V100-SXM2-16GB (sm_70, 15 GiB)", 70,
                CudaTargets.parse("750,800,860,890,900"));
        assertEquals("GPU 1, Tesla V100-SXM2-16GB (sm_70, 15 GiB), is not supported by annonet-native: compute capability 7.0"
                + " is not among the targets it was compiled for: sm_75, sm_80, sm_86, sm_89, sm_90 and compute_90 PTX"
                + " (for 9.0 and newer)", refused);
    }

    @Test
    void aT4RunsWhatAnnonetNativeShips() {
        assertNull(CudaSupport.unsupportedProblem(0, "Tesla T4 (sm_75, 15 GiB)", 75, CudaTargets.parse("750,800,860,890,900")));
        if (CudaLibrary.compiledWithCuda()) {
            assertTrue(CudaTargets.parse(CudaLibrary.cudaArchitectures()).runsOn(75), CudaLibrary.cudaArchitectures());
        }
    }
}
