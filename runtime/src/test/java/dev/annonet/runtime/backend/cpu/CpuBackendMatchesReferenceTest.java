package dev.annonet.runtime.backend.cpu;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.FastBackendContracts;

/** Every kernel of the CPU backend against the reference backend. */
class CpuBackendMatchesReferenceTest extends FastBackendContracts {
    @Override
    protected Backend newFastBackend() {
        return new CpuBackend();
    }
}
