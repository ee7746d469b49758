package dev.annonet.runtime.backend.cpu;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.FastBackendMatchesReference;

/** The CPU backend's dense-family kernels against the reference backend. */
class CpuBackendMatchesReferenceTest extends FastBackendMatchesReference {
    @Override
    protected Backend newFastBackend() {
        return new CpuBackend();
    }
}
