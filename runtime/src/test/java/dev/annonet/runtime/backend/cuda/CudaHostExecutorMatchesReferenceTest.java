package dev.annonet.runtime.backend.cuda;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.FastBackendMatchesReference;

/**
 * The CUDA backend's code and kernel bodies, run by the host executor, against the reference
 * backend: every machine checks the kernels' math, GPU or not.
 */
class CudaHostExecutorMatchesReferenceTest extends FastBackendMatchesReference {
    @Override
    protected Backend newFastBackend() {
        return CudaBackend.hostExecutor(false);
    }
}
