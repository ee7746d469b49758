package dev.annonet.runtime.backend.cuda;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.DenseKernelsMatchReference;
import dev.annonet.runtime.backend.ImageKernelsMatchReference;
import dev.annonet.runtime.backend.RecurrentKernelsMatchReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;

/**
 * Every kernel of the CUDA backend on GPU 0 against the reference backend. Tagged gpu: the
 * default build leaves it out, scripts/gpu-check.sh runs it on a machine with a GPU.
 */
@Tag("gpu")
class CudaDeviceMatchesReferenceTest {

    private static Backend backend() {
        return CudaBackend.onDevice(0, false, true);
    }

    @Nested
    class Dense extends DenseKernelsMatchReference {
        @Override
        protected Backend newFastBackend() {
            return backend();
        }
    }

    @Nested
    class Images extends ImageKernelsMatchReference {
        @Override
        protected Backend newFastBackend() {
            return backend();
        }
    }

    @Nested
    class Recurrent extends RecurrentKernelsMatchReference {
        @Override
        protected Backend newFastBackend() {
            return backend();
        }
    }
}
