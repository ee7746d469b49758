package dev.annonet.runtime;

import org.junit.jupiter.api.Tag;

/** The CUDA backend's training on GPU 0 with every kernel launched as it is called. Run by scripts/gpu-check.sh. */
@Tag("gpu")
class CudaDeviceEagerTrainingTest extends TrainingMatchesCpu {
    @Override
    protected Device device() {
        return Device.cuda(0).withoutStepGraphs();
    }
}
