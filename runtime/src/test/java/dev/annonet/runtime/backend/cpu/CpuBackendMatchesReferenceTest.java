package dev.annonet.runtime.backend.cpu;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.DenseKernelsMatchReference;
import dev.annonet.runtime.backend.ImageKernelsMatchReference;
import dev.annonet.runtime.backend.RecurrentKernelsMatchReference;
import org.junit.jupiter.api.Nested;

/** Every kernel of the CPU backend against the reference backend. */
class CpuBackendMatchesReferenceTest {

    private static Backend backend() {
        return new CpuBackend();
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
