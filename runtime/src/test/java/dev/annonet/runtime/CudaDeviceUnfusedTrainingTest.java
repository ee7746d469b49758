package dev.annonet.runtime;

import org.junit.jupiter.api.Tag;

/**
 * The CUDA backend's training on GPU 0 with every dense layer unfused (cuBLAS GEMM and annonet's
 * kernels, no cuBLASLt epilogues), steps captured as CUDA graphs: next to CudaDeviceTrainingTest,
 * which trains the fused layers, both against the CPU backend. Run by scripts/gpu-check.sh.
 */
@Tag("gpu")
class CudaDeviceUnfusedTrainingTest extends TrainingMatchesCpu {
    @Override
    protected Device device() {
        return Device.cuda(0).withoutFusedEpilogues();
    }
}
