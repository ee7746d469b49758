package dev.annonet.runtime.backend.cuda;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.FastBackendContracts;
import org.junit.jupiter.api.Tag;

/**
 * Every kernel of the CUDA backend on GPU 0 against the reference backend. Tagged gpu: the
 * default build leaves it out, scripts/gpu-check.sh runs it on a machine with a GPU.
 */
@Tag("gpu")
class CudaDeviceMatchesReferenceTest extends FastBackendContracts {
    @Override
    protected Backend newFastBackend() {
        return CudaBackend.onDevice(0, false, true);
    }
}
