package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.contract.Window2D;
import dev.annonet.runtime.distributed.DeviceCommunicator;
import java.util.function.Supplier;

/**
 * The kernels a model runs on. Generated code calls them in a straight line with constant shapes
 * and offsets; the training loop calls the loss, metric and optimizer kernels. Every buffer is a
 * {@link Memory} from this backend plus an offset, all row-major.
 *
 * <p>Kernels never allocate: a training step on any backend creates no garbage. Implementations:
 * {@code reference} (plain loops in double precision, the oracle the others are tested against),
 * {@code cpu} (float32, OpenBLAS sgemm and annonet's native CPU kernels) and {@code cuda} (float32,
 * annonet's CUDA kernels and cuBLAS, whole steps replayed as CUDA graphs). Implementations
 * trust their arguments; {@link CheckedBackend}, in front of each one a model gets, checks them.
 */
public interface Backend extends AutoCloseable {

    /** Short name for logs: {@code "reference"}, {@code "cpu"}. */
    String name();

    /** A zero-filled block of {@code size} values. */
    Memory allocate(int size);

    /** Frees a memory of this backend now rather than when the backend closes; it must not be used again. */
    void release(Memory memory);

    /** Bytes one value takes in this backend's memory: 4 (float32), 8 on the reference backend (float64). */
    default int bytesPerValue() {
        return Float.BYTES;
    }

    /** The most values one {@link Memory} of this backend holds (sizes and offsets are {@code int}). */
    default int maxValues() {
        return Integer.MAX_VALUE;
    }

    /**
     * How many more bytes this backend can allocate, as well as it can tell, and what bounds them:
     * what the runtime checks before it allocates a model's memory, so that running out is an
     * error that says what would fit instead of a failure from deep inside.
     */
    FreeMemory freeMemory();

    // ---- data movement ------------------------------------------------------------------------

    void upload(float[] source, int sourceOffset, Memory target, int targetOffset, int count);

    void download(Memory source, int sourceOffset, float[] target, int targetOffset, int count);

    void fill(Memory target, int offset, int count, float value);

    void copy(Memory source, int sourceOffset, Memory target, int targetOffset, int count);

    /**
     * Writes {@code count} row numbers into {@code target} for {@link #gatherRows}, one in each value's
     * slot, as 32-bit integers: a float holds whole numbers exactly only up to 2^24.
     */
    void uploadIndices(int[] source, int sourceOffset, Memory target, int targetOffset, int count);

    /**
     * Rows {@code indices[indicesOffset .. indicesOffset + rows)} of {@code source} (rows of
     * {@code width} values) into consecutive rows of {@code target}: how fit gathers a shuffled batch
     * from a training set kept in this backend's memory. The indices are those {@link #uploadIndices} wrote.
     */
    void gatherRows(int rows, int width, Memory source, Memory indices, int indicesOffset, Memory target, int targetOffset);

    // ---- dense: forward and backward side by side ----------------------------------------------

    /**
     * {@code C (m×n) = op(A) · op(B)}, or {@code C += ...} when {@code accumulate}. {@code op(A)}
     * is m×k: A is stored m×k, or k×m when {@code transposeA}; likewise B is k×n or n×k.
     */
    void matmul(boolean transposeA, boolean transposeB, int m, int n, int k,
                Memory a, int aOffset, Memory b, int bOffset, Memory c, int cOffset, boolean accumulate);

    /**
     * The fused bias + activation of a dense layer: {@code z += bias} per row (in place, skipped
     * when {@code bias} is null), then {@code y = f(z)} ({@code y} may be {@code z} itself for
     * LINEAR). Softmax normalizes each row of {@code cols} values.
     */
    void biasActivation(ActivationFunction f, int rows, int cols,
                        Memory z, int zOffset, Memory bias, int biasOffset, Memory y, int yOffset);

    /** {@code dz = dy ⊙ f'(z)} (softmax: the row-wise Jacobian product from y); dz may alias dy. */
    void activationBackward(ActivationFunction f, int rows, int cols,
                            Memory z, int zOffset, Memory y, int yOffset,
                            Memory dy, int dyOffset, Memory dz, int dzOffset);

    /** {@code sums[j] = Σ_i x[i][j]}: a dense layer's bias gradient (overwrites). */
    void columnSums(int rows, int cols, Memory x, int xOffset, Memory sums, int sumsOffset);

    /**
     * A dense layer's forward pass: {@code z = x · w (+ bias)} ({@code x} rows × in, {@code w} in ×
     * out; {@code bias} may be null), then {@code y = f(z)}: {@link #matmul} and
     * {@link #biasActivation}, which backends may fuse (the CUDA backend into one cuBLASLt GEMM).
     * For a plain ReLU a backend may leave {@code z} unwritten and give y alone: its
     * {@link #activationBackward} then reads the derivative from y (y > 0 exactly where z > 0).
     */
    default void denseForward(ActivationFunction f, int rows, int in, int out, Memory x, int xOffset, Memory w, int wOffset,
                              Memory bias, int biasOffset, Memory z, int zOffset, Memory y, int yOffset) {
        matmul(false, false, rows, out, in, x, xOffset, w, wOffset, z, zOffset, false);
        biasActivation(f, rows, out, z, zOffset, bias, biasOffset, y, yOffset);
    }

    /**
     * A dense layer's parameter gradients: {@code dw = xᵀ · dz} ({@code x} rows × in, {@code dz} rows
     * × out) and {@code dbias = Σ_rows dz}: {@link #matmul} and {@link #columnSums}, which backends
     * may fuse (the CUDA backend into one cuBLASLt GEMM). Both overwrite.
     */
    default void denseParameterGradients(int rows, int in, int out, Memory x, int xOffset, Memory dz, int dzOffset,
                                         Memory dw, int dwOffset, Memory dbias, int dbiasOffset) {
        matmul(true, false, in, out, rows, x, xOffset, dz, dzOffset, dw, dwOffset, false);
        columnSums(rows, out, dz, dzOffset, dbias, dbiasOffset);
    }

    // ---- dropout: forward and backward side by side ---------------------------------------------

    /**
     * Inverted dropout over {@code count} values: {@code y = keep ? x / (1 - rate) : 0}, where keep
     * is {@link DropoutMask#keep(long, long, int, double)}: a function of (seed, step, index), so
     * nothing is stored between forward and backward and runs reproduce.
     */
    void dropout(double rate, long seed, long step, int count, Memory x, int xOffset, Memory y, int yOffset);

    /** {@code dx = keep ? dy / (1 - rate) : 0}, with the mask of the same (seed, step). */
    void dropoutBackward(double rate, long seed, long step, int count,
                         Memory dy, int dyOffset, Memory dx, int dxOffset);

    /**
     * Data-parallel training: the dropout calls that follow act on {@code batch} samples that are
     * samples {@code firstSample ..} of a larger global batch, so each draws that part of the global
     * batch's mask: value i of a call over {@code count} values is value
     * {@code firstSample · count / batch + i} of the mask. {@code firstSample} is a multiple of
     * {@link DropoutMask#GROUP}; (0, 0) goes back to whole batches. A backend that draws masks for
     * whole batches only refuses a slice that does not start at 0.
     */
    default void dropoutSlice(int firstSample, int batch) {
        if (firstSample != 0) {
            throw new UnsupportedOperationException("the " + name() + " backend draws dropout masks for whole batches"
                    + " only; a data-parallel fit of a network with dropout runs on the cpu backend");
        }
    }

    // ---- convolution family: NHWC activations, (kh, kw, cin, cout) kernels ------------------------

    /**
     * {@code z = conv(x, kernel)} over {@code batch} samples with the window's geometry (bias and
     * activation follow as {@link #biasActivation} on batch · outputPositions rows of filters).
     * {@code columns} is scratch of {@code batch · outputPositions · patchSize} values planned in
     * the arena: a backend may lower the convolution to im2col + GEMM there (the cpu backend
     * does). Columns hold nothing between calls: every convolution of a network shares the same
     * scratch, so no call may rely on what an earlier one left there.
     */
    void conv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                Memory columns, int columnsOffset, Memory z, int zOffset);

    /**
     * Whether {@link #conv2d} of {@code window} uses its {@code columns}: a prediction's arena
     * holds the convolution scratch only as large as the windows that do need (the backward pass
     * gets it whole, so training is not asked). {@code columns} of a window that does not use
     * them may lie past the end of their memory.
     */
    boolean conv2dUsesColumns(Window2D window);

    /**
     * From {@code dz}: the kernel's gradient into {@code dKernel} and the input's into {@code dx},
     * both overwritten, each skipped when null. {@code columns} and {@code dColumns} are scratch
     * of the size {@link #conv2d} gets, holding nothing on entry (a backend that wants the im2col
     * columns makes them again from {@code x}), and may be the same memory: a backend is done with
     * the columns (the kernel's gradient) before it writes the columns' gradients (the input's).
     */
    void conv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                        Memory columns, int columnsOffset, Memory dz, int dzOffset, Memory dKernel, int dKernelOffset,
                        Memory dColumns, int dColumnsOffset, Memory dx, int dxOffset);

    /**
     * Keras's DepthwiseConv2D, {@code y = depthwise(x, kernel)} over {@code batch} samples: each input
     * channel c convolved alone with m = outputChannels / inputChannels filters, into output
     * channels c·m .. c·m + m - 1; the kernel is (kh, kw, cin, m). Bias and activation follow as
     * {@link #biasActivation}.
     */
    void depthwiseConv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                         Memory y, int yOffset);

    /** From {@code dy}: the kernel's gradient into {@code dKernel} and the input's into {@code dx}, both overwritten, each skipped when null. */
    void depthwiseConv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                 Memory dy, int dyOffset, Memory dKernel, int dKernelOffset, Memory dx, int dxOffset);

    /** Max or average pooling (SAME average: the padding is not counted); global pooling is one window over all. */
    void pool2d(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset);

    /** {@code dx} (overwritten) from {@code dy}; MAX finds each window's first maximum again in {@code x}. */
    void pool2dBackward(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset,
                        Memory dy, int dyOffset, Memory dx, int dxOffset);

    /** {@code y} is {@code x} inside zeros: a 1×1 window whose padding is the zeros before each axis. */
    void zeroPad2d(Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset);

    /** {@code dx} is {@code dy} without the padding. */
    void zeroPad2dBackward(Window2D window, int batch, Memory dy, int dyOffset, Memory dx, int dxOffset);

    // ---- batch normalization: over the last axis, of any rank (kernels in BatchNormKernels) ----

    /**
     * Batch normalization over the last axis of {@code rows × cols}. Training: per channel the
     * batch mean and biased variance normalize, go to {@code statistics} (cols means, then cols
     * values {@code 1/sqrt(variance + epsilon)}) and update the moving statistics as Keras does,
     * {@code moving = moving · momentum + batch · (1 - momentum)}. Inference: the moving statistics
     * normalize and only y is written. Then {@code y = gamma · x̂ + beta}; y may be x. A null gamma
     * is 1, a null beta 0 (a layer without scale or center).
     */
    void batchNorm(boolean training, int rows, int cols, double momentum, double epsilon, Memory x, int xOffset,
                   Memory gamma, int gammaOffset, Memory beta, int betaOffset, Memory movingMean, int movingMeanOffset,
                   Memory movingVariance, int movingVarianceOffset, Memory statistics, int statisticsOffset,
                   Memory y, int yOffset);

    /**
     * The gradients of a training batchNorm from its statistics: dGamma, dBeta and dx (null:
     * skipped), overwritten; a null gamma is 1.
     */
    void batchNormBackward(int rows, int cols, Memory x, int xOffset, Memory gamma, int gammaOffset,
                           Memory statistics, int statisticsOffset, Memory dy, int dyOffset,
                           Memory dGamma, int dGammaOffset, Memory dBeta, int dBetaOffset, Memory dx, int dxOffset);

    // ---- sequence layers: recurrent layers and Embedding (kernels in SequenceKernels) ----------

    /**
     * A recurrent layer of {@code cell} (Keras's LSTM or GRU) over {@code steps} time steps of a
     * batch: {@code x} is (batch, steps, inputs); {@code weights} holds {@code cell.weightCount(inputs,
     * units)} values, the kernel (inputs, g·u), the recurrent kernel (u, g·u) and the bias rows, in
     * Keras's gate order; activations tanh, recurrent sigmoid; zero initial state. {@code y} is
     * (batch, steps, u) when {@code returnSequences}, else (batch, u): the last state.
     *
     * <p>{@code workspace} holds {@code batch · cell.workspaceSize(steps, units)} values, all written
     * here and read by {@link #recurrentBackward}, in the regions {@link RecurrentCell} documents.
     */
    void recurrent(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                   Memory x, int xOffset, Memory weights, int weightsOffset,
                   Memory workspace, int workspaceOffset, Memory y, int yOffset);

    /**
     * Backpropagation through time for {@link #recurrent}, from the forward's {@code workspace}:
     * overwrites the weight gradients ({@code dWeights}, laid out as {@code weights}) and, unless
     * {@code dx} is null, the input gradient. {@code dWorkspace} (the size of the workspace) is
     * scratch: the gradients of every step's gates and those carried from step to step.
     */
    void recurrentBackward(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                           Memory x, int xOffset, Memory weights, int weightsOffset, Memory workspace, int workspaceOffset,
                           Memory dy, int dyOffset, Memory dWeights, int dWeightsOffset,
                           Memory dWorkspace, int dWorkspaceOffset, Memory dx, int dxOffset);

    /**
     * Keras's Embedding: row {@code r} of {@code y} (rows × outputDim) is row {@code indices[r]} of
     * {@code table} (inputDim × outputDim). Indices are whole numbers stored as values; one outside
     * [0, inputDim) is an {@link IllegalArgumentException} naming it, thrown before anything is written.
     */
    void embedding(int rows, int inputDim, int outputDim, Memory indices, int indicesOffset,
                   Memory table, int tableOffset, Memory y, int yOffset);

    /** {@code dTable} = 0, then {@code dTable[indices[r]] += dy[r]} for every row: overwrites, no input gradient. */
    void embeddingBackward(int rows, int inputDim, int outputDim, Memory indices, int indicesOffset,
                           Memory dy, int dyOffset, Memory dTable, int dTableOffset);

    // ---- merge layers: several inputs into one (kernels in MergeKernels) ------------------------

    /**
     * Input {@code input}'s part of an element-wise merge of {@code count} values into {@code y}:
     * input 0 starts it ({@code y = scale · x} for SUM, {@code y = x} otherwise), each later input
     * combines into it: SUM {@code y += scale · x}, PRODUCT {@code y *= x}, MAXIMUM (MINIMUM)
     * {@code y = x} where x is strictly larger (smaller) or NaN, so the first of equal inputs is
     * kept. For MAXIMUM and MINIMUM, {@code chosen} records the input each value of y came from
     * (input 0 writes all of it); it is null for SUM and PRODUCT. {@code y += x}, SUM of a later
     * input with scale 1, is also how a gradient part of a tensor with several readers is added in.
     * With {@code activated} (not null, the last input's pass of an activated merge layer), the same
     * pass also writes {@code activated = f(y)}, element-wise ({@code f} not SOFTMAX): y keeps the
     * pre-activation values that {@link #activationBackward} reads as z.
     */
    void merge(MergeKind kind, int input, float scale, int count, Memory x, int xOffset, Memory y, int yOffset,
               Memory chosen, int chosenOffset, ActivationFunction f, Memory activated, int activatedOffset);

    /** {@link #merge} with no activation. */
    default void merge(MergeKind kind, int input, float scale, int count, Memory x, int xOffset, Memory y, int yOffset,
                       Memory chosen, int chosenOffset) {
        merge(kind, input, scale, count, x, xOffset, y, yOffset, chosen, chosenOffset, ActivationFunction.IDENTITY, null, 0);
    }

    /** A MAXIMUM or MINIMUM merge's gradient to input {@code input} (overwritten): {@code dx = chosen == input ? dy : 0}. */
    void mergeChosenBackward(int input, int count, Memory chosen, int chosenOffset, Memory dy, int dyOffset,
                             Memory dx, int dxOffset);

    /**
     * Copies {@code cols} values of each of {@code rows} rows: x's columns from {@code xColumn} of rows
     * {@code xWidth} wide to y's from {@code yColumn} of rows {@code yWidth} wide; the rest of y is
     * left as it is. A concatenation is one such copy per input, its gradient one back.
     */
    void copyColumns(int rows, int cols, Memory x, int xOffset, int xWidth, int xColumn,
                     Memory y, int yOffset, int yWidth, int yColumn);

    // ---- losses and metrics --------------------------------------------------------------------

    /**
     * The loss of {@code rows} output rows of {@code cols} values against their targets, summed
     * over rows, and its gradient times {@code gradientScale} written to {@code gradient}.
     *
     * <p>{@code fused}: the output {@code y} came from a softmax (categorical losses) or a sigmoid
     * (binary cross-entropy) of {@code z}; the loss is computed from z (log-softmax, log-sigmoid)
     * and the gradient is taken with respect to z (e.g. {@code p - t}), skipping the activation's
     * backward. Otherwise the gradient is with respect to y, and probabilities are clipped to
     * [1e-7, 1 - 1e-7] as Keras does. Sparse targets hold one class index per row.
     *
     * <p>{@code weights}, when not null, holds one weight per row: each row's loss and gradient
     * are multiplied by it (Keras's sample weights; the sum is not divided by the weights' sum).
     */
    double loss(LossKind kind, boolean fused, int rows, int cols,
                Memory y, int yOffset, Memory z, int zOffset, Memory targets, int targetsOffset,
                Memory weights, int weightsOffset, Memory gradient, int gradientOffset, float gradientScale);

    /** {@link #loss(LossKind, boolean, int, int, Memory, int, Memory, int, Memory, int, Memory, int, Memory, int, float)} unweighted. */
    default double loss(LossKind kind, boolean fused, int rows, int cols,
                        Memory y, int yOffset, Memory z, int zOffset, Memory targets, int targetsOffset,
                        Memory gradient, int gradientOffset, float gradientScale) {
        return loss(kind, fused, rows, cols, y, yOffset, z, zOffset, targets, targetsOffset, null, 0,
                gradient, gradientOffset, gradientScale);
    }

    /** The loss alone, as {@link #loss} computes it, for evaluation; {@code weights} may be null. */
    double lossValue(LossKind kind, boolean fused, int rows, int cols,
                     Memory y, int yOffset, Memory z, int zOffset, Memory targets, int targetsOffset,
                     Memory weights, int weightsOffset);

    /** The unweighted loss alone. */
    default double lossValue(LossKind kind, boolean fused, int rows, int cols,
                             Memory y, int yOffset, Memory z, int zOffset, Memory targets, int targetsOffset) {
        return lossValue(kind, fused, rows, cols, y, yOffset, z, zOffset, targets, targetsOffset, null, 0);
    }

    /** Number of correct rows (categorical kinds) or elements (binary). */
    long countCorrect(AccuracyKind kind, int rows, int cols,
                      Memory y, int yOffset, Memory targets, int targetsOffset);

    /**
     * The counts of {@code counter} over {@code rows} output rows of {@code cols} values, written to
     * {@code counts[countsOffset .. countsOffset + counter.counters())} (overwritten, not added to).
     * While a step records ({@link StepReplay}) nothing is written: the counts are results of the
     * recorded step, {@code counter.counters()} of them in a row.
     */
    void countMetric(MetricCounter counter, int rows, int cols, Memory y, int yOffset,
                     Memory targets, int targetsOffset, long[] counts, int countsOffset);

    // ---- optimizers: Keras's update formulas over the contiguous trainable parameters -----------

    /**
     * One update of {@code rule} over {@code count} parameters in place, from their gradients and
     * the rule's state buffers ({@code rule.stateBuffers()} of them, the first in {@code firstState};
     * null where unused). {@code learningRate}: the rate now; {@code t}: the 1-based number of this
     * update (Adam's bias correction).
     */
    void update(UpdateRule rule, int count, Memory weights, Memory gradients, Memory firstState, Memory secondState,
                float learningRate, long t);

    // ---- capabilities ---------------------------------------------------------------------------

    /**
     * Whether fit should keep a training set that fits in this backend's memory and gather each
     * batch there ({@link #gatherRows}) instead of copying every batch in: true for a GPU.
     */
    default boolean keepsTrainingDataResident() {
        return false;
    }

    /**
     * A landing area of {@code values} values a buffer, which streamed batches are copied into
     * while the step before runs (a GPU's copy engine works beside its kernels), or null where a
     * batch is best uploaded where the step reads it: the default.
     */
    default BatchLanding batchLanding(int values) {
        return null;
    }

    /** The step recorder when this backend can replay whole training steps (CUDA graphs), else null. */
    default StepReplay stepReplay() {
        return null;
    }

    /**
     * The dynamic loss scale where this backend scales the loss (a GPU under
     * {@link Precision#MIXED_FLOAT16}), waiting for the device; else NaN.
     */
    default double lossScale() {
        return Double.NaN;
    }

    /**
     * Data-parallel training: sums of this backend's memory in place by {@code communicator}, on a
     * stream of their own, or null where this backend cannot so (its gradients then go through the
     * host): a GPU's memory summed by a communicator of that GPU (NCCL), or the CUDA host
     * executor's by one of host memory.
     */
    default DeviceReduction deviceReduction(DeviceCommunicator communicator) {
        return null;
    }

    // ---- other threads ---------------------------------------------------------------------------

    /**
     * A new backend of this kind for another thread: scratch of its own and nothing shared with
     * this one but the memory handed over through {@link #borrow}, so that the two run kernels at
     * the same time (a predictor's forward passes beside the model's). Null when this backend
     * cannot lend its memory so (a GPU's: its predictors take turns on the model's backend).
     */
    default Backend fork() {
        return null;
    }

    /**
     * {@code memory} of the backend this one was {@linkplain #fork forked} from, as a memory of this
     * one: the same values, read and written in place, never freed by this backend. The lender must
     * outlive every kernel that reads it here.
     */
    default Memory borrow(Memory memory) {
        throw new UnsupportedOperationException("the " + name() + " backend lends no memory");
    }

    /**
     * Runs {@code kernels} (calls of this backend's kernels) with those kernels on the calling thread
     * alone where this backend would otherwise share their work out on a pool of threads common to
     * the process: what predictors serving on several threads at once need, which would take turns
     * on that pool. As it is, by default.
     */
    default <T> T onCallingThread(Supplier<T> kernels) {
        return kernels.get();
    }

    /** Frees native memory; the backend and its memories are unusable afterwards. */
    @Override
    void close();
}
