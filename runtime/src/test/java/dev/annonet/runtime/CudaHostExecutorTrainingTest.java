package dev.annonet.runtime;

/** The CUDA backend's training path, steps recorded and replayed, run by the host executor. */
class CudaHostExecutorTrainingTest extends TrainingMatchesCpu {
    @Override
    protected Device device() {
        return Device.cudaHostExecutor();
    }
}
