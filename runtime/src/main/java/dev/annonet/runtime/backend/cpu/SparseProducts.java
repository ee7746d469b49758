package dev.annonet.runtime.backend.cpu;

import dev.annonet.cpu.CpuKernels;

/**
 * The products that run faster from their left operand's nonzeros than through sgemm: a first
 * layer's y = x · W and dW = xᵀ · dy when x is an input batch of mostly zeros (MNIST's digits are
 * about 80% zero pixels): the work shrinks with the density, where sgemm's does not
 * (BENCHMARKS.md has the measurements).
 *
 * <p>Any large enough product with an untransposed B is offered; annonet's CPU kernels list the
 * left operand's nonzeros and give up, early and cheaply, when more than {@link #MAX_DENSITY} of
 * it is nonzero (ReLU outputs, gradients), and sgemm does it. The products run on the thread pool
 * OpenBLAS shares ({@link OpenBlas#sharesThreads()}); without it they are not offered at all: on the
 * calling thread alone they would lose to OpenBLAS's threaded sgemm.
 */
final class SparseProducts implements AutoCloseable {
    /** Above this share of nonzeros sgemm wins: the sparse loop does about half an sgemm's work per multiply-add. */
    static final double MAX_DENSITY = 0.3;
    /**
     * Smaller products of several rows are not worth listing nonzeros for; one row (a single
     * sample's prediction) is, on the calling thread, where it beats sgemv on a mostly-zero input.
     */
    private static final long MIN_MULTIPLY_ADDS = 1L << 20;
    /** The kernels' fast loop works on blocks of 64 output columns. */
    private static final int MIN_COLUMNS = 64;

    private final boolean available;
    private long handle;

    /**
     * Products offered only on the pool OpenBLAS shares ({@code sharedPool}), and unless
     * {@code -Dannonet.cpu.sparseProducts=false} sends every product to sgemm (to compare, or to
     * rule this out).
     */
    SparseProducts(boolean sharedPool) {
        available = sharedPool && !"false".equals(System.getProperty("annonet.cpu.sparseProducts"));
    }

    /** Computes c = a · b (aᵀ · b when transposed) from a's nonzeros, or returns false and leaves c untouched. */
    boolean tryProduct(boolean transposeA, boolean transposeB, int m, int n, int k, CpuMemory a, int aOffset,
                       CpuMemory b, int bOffset, CpuMemory c, int cOffset, boolean accumulate) {
        if (!available || transposeB || n < MIN_COLUMNS || (m > 1 && (long) m * n * k < MIN_MULTIPLY_ADDS)) {
            return false;
        }
        if (handle == 0) {
            handle = CpuKernels.sparseProductsCreate();
        }
        return CpuKernels.sparseProduct(handle, transposeA, m, n, k, a.address(aOffset), b.address(bOffset),
                c.address(cOffset), accumulate, MAX_DENSITY);
    }

    @Override
    public void close() {
        if (handle != 0) {
            CpuKernels.sparseProductsDestroy(handle);
            handle = 0;
        }
    }
}
