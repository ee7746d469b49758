package dev.annonet.cpu;

import dev.annonet.nativelib.Libraries;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * The JavaCPP binding of annonet's CPU kernels ({@code src/main/native/annonet/cpu}): one pool of
 * threads shared with OpenBLAS, products whose left operand is mostly zeros, computed from its
 * nonzeros on that pool (AVX2 and FMA where the processor has them), a dense layer's bias and
 * activation in one pass and its backward, dropout, bias gradients, a recurrent layer's step of
 * cells, pooling, convolutions straight from the input with AVX-512, depthwise convolution, im2col and its scatter, batch normalization, the merge layers, and the optimizers' updates on that
 * pool. Without OpenBLAS's threads callback the pool is the calling thread alone. Built by the host C++ compiler
 * on every machine; addresses travel as {@code long}s.
 * {@link #load()} says why the library cannot load instead of throwing; nothing else here may be
 * called then.
 */
@Platform(include = {"annonet/cpu/threads.h", "annonet/cpu/sparse_products.h", "annonet/cpu/activations.h",
        "annonet/cpu/sequence_cells.h", "annonet/cpu/images.h", "annonet/cpu/batch_norm.h", "annonet/cpu/optimizers.h",
        "annonet/cpu/dropout.h", "annonet/cpu/merge.h", "annonet/cpu/convolution.h"}, link = "dl")
@Namespace("annonet::cpu")
public final class CpuKernels {
    private CpuKernels() {
    }

    private static final String LOAD_PROBLEM = Libraries.load(CpuKernels.class, "annonet's CPU kernels");

    /** Null when the library is loaded, else why not. */
    public static String load() {
        return LOAD_PROBLEM;
    }

    /**
     * Starts the pool of {@code threads} (the calling thread among them) and hands it to the
     * OpenBLAS loaded into this process, which then runs its parallel work there instead of on
     * threads of its own; false, with nothing changed, when that OpenBLAS has no threads callback.
     * Call it once, after OpenBLAS is loaded and before its first product.
     */
    @Name("share_threads_with_openblas")
    public static native boolean shareThreadsWithOpenBlas(int threads);

    /**
     * Whether annonet's kernels called on this thread run on it alone rather than on the pool
     * (OpenBLAS's products still use the pool); returns the setting it replaces. For predictors on
     * several threads at once, which would otherwise take turns on the pool.
     */
    @Name("run_on_calling_thread")
    public static native boolean runOnCallingThread(boolean only);

    /** Room for a product's lists of nonzeros (its threads are the shared pool). */
    @Name("sparse_products_create")
    public static native long sparseProductsCreate();

    /** Frees the lists. */
    @Name("sparse_products_destroy")
    public static native void sparseProductsDestroy(long handle);

    /**
     * c = a · b (c = aᵀ · b when {@code transposeA}; c += when {@code accumulate}) from a's
     * nonzeros: a is m × k (k × m when transposed), b k × n, c m × n, all row-major and dense. Does
     * nothing and returns false when more than {@code maxDensity} of a's values are nonzero.
     */
    @Name("sparse_product_at")
    public static native boolean sparseProduct(long handle, boolean transposeA, int m, int n, int k, long a, long b, long c,
                                               boolean accumulate, double maxDensity);

    /**
     * z += bias (none when {@code bias} is 0), then y = f(z), over {@code rows} rows of {@code cols}
     * values; y may be z. {@code kind} is the activation's {@code Activation.Kind} ordinal;
     * {@code lower}, {@code upper} and {@code slope} are its parameters (element_math.cuh's activate,
     * softmax_row).
     */
    @Name("bias_activation_at")
    public static native void biasActivation(int kind, float lower, float upper, float slope, int rows, int cols, long z,
                                             long bias, long y);

    /**
     * dz = dy ⊙ f'(z) over {@code rows} rows of {@code cols} values (softmax: each row's Jacobian
     * product from y); dz may be dy. Arguments as {@link #biasActivation}'s.
     */
    @Name("activation_backward_at")
    public static native void activationBackward(int kind, float lower, float upper, float slope, int rows, int cols,
                                                 long z, long y, long dy, long dz);

    /**
     * y = x · (kept ? scale : 0) over {@code count} values with DropoutMask's mask of (seed, step)
     * (element_math.cuh's), value i drawing the mask of value {@code 8 · firstGroup + i} (a
     * data-parallel rank's slice of a global batch; 0 otherwise); y may be x. With dy and dx, the
     * backward pass.
     */
    @Name("dropout_at")
    public static native void dropout(int threshold, float scale, long seed, long step, int firstGroup, long count,
                                      long x, long y);

    /** sums[c] = Σ_r x[r][c] over {@code rows} rows of {@code cols} values: a bias's gradient. */
    @Name("column_sums_at")
    public static native void columnSums(int rows, int cols, long x, long sums);

    /**
     * A recurrent layer's step {@code t} forward over every cell (sequence_cells.cuh), as
     * {@code SequenceCells.forward}: {@code cell} is the cell's native code; the addresses of the
     * bias, of the workspace's start and of y's. False, computing nothing, for an unknown code.
     */
    @Name("sequence_cells_forward_at")
    public static native boolean sequenceCellsForward(int cell, int batch, int steps, int units, int t,
                                                      boolean returnSequences, long bias, long workspace, long y);

    /** Step {@code t} backward, as {@code SequenceCells.backward}: the addresses of the workspace, dy and dWorkspace. */
    @Name("sequence_cells_backward_at")
    public static native boolean sequenceCellsBackward(int cell, int batch, int steps, int units, int t,
                                                       boolean returnSequences, long workspace, long dy, long dWorkspace);

    /**
     * Max ({@code kind} 0) or average (1) pooling of {@code batch} NHWC samples (cpu/images.h):
     * {@code window} is the address of the window's 14 ints in Window2D's component order.
     */
    @Name("pool2d_at")
    public static native void pool2d(int kind, long window, int batch, long x, long y);

    /** dx of {@link #pool2d} from dy (cpu/images.h; max: to each window's first maximum). */
    @Name("pool2d_backward_at")
    public static native void pool2dBackward(int kind, long window, int batch, long x, long dy, long dx);

    /**
     * z = conv(x, kernel) (overwritten) straight from the input with AVX-512 (cpu/convolution.h); inputs of few
     * channels go through {@code columns} ({@link #im2col}'s size) first. False, with nothing written, where the
     * processor lacks AVX-512: the caller then lowers it to im2col + sgemm. {@code window} as {@link #pool2d}'s.
     */
    @Name("conv2d_at")
    public static native boolean conv2d(long window, int batch, long x, long kernel, long columns, long z);

    /**
     * Whether {@link #conv2d} of {@code window}, or the im2col + sgemm that stands in for it without AVX-512,
     * uses {@code columns} (cpu/convolution.h, the rule conv2d_at follows).
     */
    @Name("conv2d_uses_columns_at")
    public static native boolean conv2dUsesColumns(long window);

    /**
     * Keras's DepthwiseConv2D of {@code batch} NHWC samples (cpu/images.h, the math depthwise.cuh's):
     * y from x and the (kh, kw, cin, m) kernel; {@code window} as {@link #pool2d}'s.
     */
    @Name("depthwise_conv2d_at")
    public static native void depthwiseConv2d(long window, int batch, long x, long kernel, long y);

    /** dKernel and dx of {@link #depthwiseConv2d} from dy, overwritten; each skipped when its address is 0. */
    @Name("depthwise_conv2d_backward_at")
    public static native void depthwiseConv2dBackward(long window, int batch, long x, long kernel, long dy, long dKernel,
                                                      long dx);

    /**
     * A convolution's columns from x: each output position's window as one row of (kh, kw, cin)
     * values, zeros in the padding; {@code window} as {@link #pool2d}'s.
     */
    @Name("im2col_at")
    public static native void im2col(long window, int batch, long x, long columns);

    /** dx (overwritten) from a convolution's column gradients: each value added onto the input it came from. */
    @Name("col2im_at")
    public static native void col2im(long window, int batch, long columns, long dx);

    /**
     * Batch normalization over the last axis of {@code rows × cols} (cpu/batch_norm.h, the math
     * batch_norm.cuh's), as {@code Backend.batchNorm}: training writes the statistics (address 0
     * otherwise) and the moving statistics; y may be x.
     */
    @Name("batch_norm_at")
    public static native void batchNorm(boolean training, int rows, int cols, double momentum, double epsilon, long x,
                                        long gamma, long beta, long movingMean, long movingVariance, long statistics, long y);

    /** dGamma, dBeta and dx (skipped when 0; it may be dy) from a training forward's statistics. */
    @Name("batch_norm_backward_at")
    public static native void batchNormBackward(int rows, int cols, long x, long gamma, long statistics, long dy,
                                                long dGamma, long dBeta, long dx);

    /**
     * Input {@code input}'s part of an element-wise merge of {@code count} values (cpu/merge.h, the
     * math merge.cuh's), as {@code Backend.merge}; {@code kind} is {@code NativeCodes.merge}'s code,
     * {@code chosen} 0 for SUM and PRODUCT; {@code activated} 0 for none, else it receives
     * {@code NativeCodes.activation}'s function {@code activation} of the combined values.
     */
    @Name("merge_at")
    public static native void merge(int kind, int input, float scale, long count, long x, long y, long chosen,
                                    int activation, float lower, float upper, float slope, long activated);

    /** A MAXIMUM or MINIMUM merge's gradient to input {@code input}: dy where it was chosen, else 0. */
    @Name("merge_chosen_backward_at")
    public static native void mergeChosenBackward(int input, long count, long chosen, long dy, long dx);

    /** {@code cols} values of each row, from x's column {@code xColumn} (rows of {@code xWidth}) to y's. */
    @Name("copy_columns_at")
    public static native void copyColumns(int rows, int cols, long x, int xWidth, int xColumn, long y, int yWidth, int yColumn);

    /** SGD over {@code count} parameters in place (element_math.cuh's sgd_element); velocity 0 for plain SGD. */
    @Name("sgd_at")
    public static native void sgd(long count, long weights, long gradients, long velocity, float learningRate, float momentum,
                                  boolean nesterov);

    /** RMSprop over {@code count} parameters in place, on the shared pool (element_math.cuh's rmsprop_element). */
    @Name("rmsprop_at")
    public static native void rmsprop(long count, long weights, long gradients, long velocity, float learningRate, float rho,
                                      float epsilon);

    /** Adam over {@code count} parameters in place; {@code stepSize} has step t's bias corrections folded in. */
    @Name("adam_at")
    public static native void adam(long count, long weights, long gradients, long m, long v, float stepSize, float beta1,
                                   float beta2, float epsilon);
}
