package dev.annonet.runtime.backend.cuda;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.FastBackendMatchesReference;
import org.junit.jupiter.api.Tag;

/**
 * The CUDA backend on GPU 0 against the reference backend. Tagged {@code gpu}: the default build
 * leaves it out, {@code scripts/gpu-check.sh} runs it on a machine with a GPU.
 */
@Tag("gpu")
class CudaDeviceMatchesReferenceTest extends FastBackendMatchesReference {
    @Override
    protected Backend newFastBackend() {
        return CudaBackend.onDevice(0, false, true);
    }
}
