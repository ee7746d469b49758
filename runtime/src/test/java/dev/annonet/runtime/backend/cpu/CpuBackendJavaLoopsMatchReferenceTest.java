package dev.annonet.runtime.backend.cpu;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.FastBackendContracts;

/**
 * Every kernel of the CPU backend without annonet's native CPU kernels (sgemm for every product,
 * the Java loops for bias + activation and its backward, bias gradients, im2col and its scatter,
 * pooling, the LSTM cells and the optimizers), against the reference backend: the
 * path of a machine where those kernels cannot share OpenBLAS's threads.
 */
class CpuBackendJavaLoopsMatchReferenceTest extends FastBackendContracts {
    @Override
    protected Backend newFastBackend() {
        return new CpuBackend(false);
    }
}
