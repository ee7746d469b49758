package dev.annonet.runtime.backend.cuda;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.FastBackendContracts;

/**
 * Every kernel of the CUDA backend, its bodies run by the host executor, against the reference
 * backend: every machine checks the kernels' math, GPU or not.
 */
class CudaHostExecutorMatchesReferenceTest extends FastBackendContracts {
    @Override
    protected Backend newFastBackend() {
        return CudaBackend.hostExecutor(false);
    }
}
