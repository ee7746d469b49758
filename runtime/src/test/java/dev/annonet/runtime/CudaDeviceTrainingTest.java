package dev.annonet.runtime;

import org.junit.jupiter.api.Tag;

/** The CUDA backend's training on GPU 0, steps captured as CUDA graphs. Run by scripts/gpu-check.sh. */
@Tag("gpu")
class CudaDeviceTrainingTest extends TrainingMatchesCpu {
    @Override
    protected Device device() {
        return Device.cuda(0);
    }
}
