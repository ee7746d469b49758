package dev.annonet.runtime.backend.cuda;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.DenseKernelsMatchReference;
import dev.annonet.runtime.backend.ImageKernelsMatchReference;
import dev.annonet.runtime.backend.RecurrentKernelsMatchReference;
import org.junit.jupiter.api.Nested;

/**
 * Every kernel of the CUDA backend, its bodies run by the host executor, against the reference
 * backend: every machine checks the kernels' math, GPU or not.
 */
class CudaHostExecutorMatchesReferenceTest {

    private static Backend backend() {
        return CudaBackend.hostExecutor(false);
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
