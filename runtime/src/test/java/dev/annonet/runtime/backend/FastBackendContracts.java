package dev.annonet.runtime.backend;

import org.junit.jupiter.api.Nested;

/**
 * Every kernel contract a fast backend must meet against the reference backend. A backend's test
 * extends this and names the backend; JUnit runs the nested contracts for it.
 */
public abstract class FastBackendContracts {

    /** The backend under test, new for each test. */
    protected abstract Backend newFastBackend();

    @Nested
    class Dense extends DenseKernelsMatchReference {
        @Override
        protected Backend newFastBackend() {
            return FastBackendContracts.this.newFastBackend();
        }
    }

    @Nested
    class Images extends ImageKernelsMatchReference {
        @Override
        protected Backend newFastBackend() {
            return FastBackendContracts.this.newFastBackend();
        }
    }

    @Nested
    class BatchNorm extends BatchNormKernelsMatchReference {
        @Override
        protected Backend newFastBackend() {
            return FastBackendContracts.this.newFastBackend();
        }
    }

    @Nested
    class MetricCounts extends MetricKernelsMatchReference {
        @Override
        protected Backend newFastBackend() {
            return FastBackendContracts.this.newFastBackend();
        }
    }

    @Nested
    class Sequence extends SequenceKernelsMatchReference {
        @Override
        protected Backend newFastBackend() {
            return FastBackendContracts.this.newFastBackend();
        }
    }

    @Nested
    class Merges extends MergeKernelsMatchReference {
        @Override
        protected Backend newFastBackend() {
            return FastBackendContracts.this.newFastBackend();
        }
    }
}
