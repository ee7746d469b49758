package dev.annonet.runtime;

/** The CUDA backend's training path with every kernel launched as it is called, run by the host executor. */
class CudaHostExecutorEagerTrainingTest extends TrainingMatchesCpu {
    @Override
    protected Device device() {
        return Device.cudaHostExecutor().withoutStepGraphs();
    }
}
