package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.BackendPair;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * cuBLASLt's fused dense GEMMs on GPU 0 against the same backend with the fusion turned off (cuBLAS
 * GEMM and annonet's kernels), eagerly: the forward with RELU_BIAS, RELU or BIAS, the bias gradient
 * with BGRADA, and that the calls did run fused. Tagged gpu: scripts/gpu-check.sh runs it. In
 * replayed step graphs, CudaDeviceTrainingTest trains the fused layers and
 * CudaDeviceUnfusedTrainingTest the unfused ones, both against the CPU backend.
 */
@Tag("gpu")
class GpuFusedEpiloguesTest {

    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#activations")
    void fusedGemmsMatchTheUnfusedOnes(ActivationFunction f) {
        try (CudaBackend fused = CudaBackend.onDevice(0, false, false);
             CudaBackend unfused = CudaBackend.onDevice(0, false, false).withoutFusedEpilogues()) {
            assertTrue(fused.fusesEpilogues(), "cuBLASLt did not start: see the log");
            FusedEpiloguesTest.compareDenseLayers(unfused, fused, f,
                    (expected, actual, what) -> BackendPair.assertCloseInNorm(expected, actual, 1e-5, what));
            assertTrue(fused.fusedPlans() > 0, "no call ran fused: cuBLASLt found no algorithm (see the log)");
        }
    }
}
