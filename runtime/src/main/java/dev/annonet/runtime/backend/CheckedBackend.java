package dev.annonet.runtime.backend;

import dev.annonet.contract.Window2D;
import dev.annonet.contract.RecurrentCell;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.distributed.DeviceCommunicator;
import java.util.function.Supplier;

/**
 * The op set's argument checks, made once per kernel call (never per element) in front of any
 * backend, so that a wrong offset or size fails with a message naming the kernel, the operand and
 * the sizes instead of reading another tensor's values or, off-heap, crashing the JVM. The
 * backends behind it check only what is theirs: that a memory is their own and still open, and
 * what only the data can tell (an embedding index, a sparse target). {@code Device} hands out every
 * backend wrapped so; the messages are built only on failure, so a call allocates nothing.
 */
public final class CheckedBackend implements Backend {
    private final Backend backend;

    private CheckedBackend(Backend backend) {
        this.backend = backend;
    }

    /** {@code backend} behind the checks (itself when it already is a checked one). */
    public static Backend wrap(Backend backend) {
        if (backend instanceof CheckedBackend) {
            return backend;
        }
        if (backend == null) {
            throw new NullPointerException("backend is null");
        }
        return new CheckedBackend(backend);
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public Memory allocate(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative memory size " + size);
        }
        return backend.allocate(size);
    }

    @Override
    public void release(Memory memory) {
        backend.release(memory);
    }

    @Override
    public int bytesPerValue() {
        return backend.bytesPerValue();
    }

    @Override
    public int maxValues() {
        return backend.maxValues();
    }

    @Override
    public FreeMemory freeMemory() {
        return backend.freeMemory();
    }

    // ---- data movement ------------------------------------------------------------------------

    @Override
    public void upload(float[] source, int sourceOffset, Memory target, int targetOffset, int count) {
        KernelArguments.check("upload", "target", target, targetOffset, count);
        backend.upload(source, sourceOffset, target, targetOffset, count);
    }

    @Override
    public void download(Memory source, int sourceOffset, float[] target, int targetOffset, int count) {
        KernelArguments.check("download", "source", source, sourceOffset, count);
        backend.download(source, sourceOffset, target, targetOffset, count);
    }

    @Override
    public void fill(Memory target, int offset, int count, float value) {
        KernelArguments.check("fill", "target", target, offset, count);
        backend.fill(target, offset, count, value);
    }

    @Override
    public void copy(Memory source, int sourceOffset, Memory target, int targetOffset, int count) {
        KernelArguments.check("copy", "source", source, sourceOffset, count);
        KernelArguments.check("copy", "target", target, targetOffset, count);
        backend.copy(source, sourceOffset, target, targetOffset, count);
    }

    @Override
    public void uploadIndices(int[] source, int sourceOffset, Memory target, int targetOffset, int count) {
        KernelArguments.check("uploadIndices", "target", target, targetOffset, count);
        backend.uploadIndices(source, sourceOffset, target, targetOffset, count);
    }

    /** The row numbers themselves are data: a backend that can read them cheaply checks each. */
    @Override
    public void gatherRows(int rows, int width, Memory source, Memory indices, int indicesOffset,
                           Memory target, int targetOffset) {
        KernelArguments.check("gatherRows", "source", source, 0, 0);
        KernelArguments.check("gatherRows", "indices", indices, indicesOffset, rows);
        KernelArguments.check("gatherRows", "target", target, targetOffset, rows, width);
        backend.gatherRows(rows, width, source, indices, indicesOffset, target, targetOffset);
    }

    // ---- dense --------------------------------------------------------------------------------

    /** {@code C (m×n) = op(A) (m×k) · op(B) (k×n)}. */
    @Override
    public void matmul(boolean transposeA, boolean transposeB, int m, int n, int k,
                       Memory a, int aOffset, Memory b, int bOffset, Memory c, int cOffset, boolean accumulate) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("matmul: negative shape m=" + m + " n=" + n + " k=" + k);
        }
        KernelArguments.check("matmul", "a", a, aOffset, m, k);
        KernelArguments.check("matmul", "b", b, bOffset, k, n);
        KernelArguments.check("matmul", "c", c, cOffset, m, n);
        backend.matmul(transposeA, transposeB, m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
    }

    @Override
    public void biasActivation(ActivationFunction f, int rows, int cols,
                               Memory z, int zOffset, Memory bias, int biasOffset, Memory y, int yOffset) {
        KernelArguments.check(f.kind(), "z", z, zOffset, rows, cols);
        if (bias != null) {
            KernelArguments.check(f.kind(), "bias", bias, biasOffset, cols);
        }
        KernelArguments.check(f.kind(), "y", y, yOffset, rows, cols);
        backend.biasActivation(f, rows, cols, z, zOffset, bias, biasOffset, y, yOffset);
    }

    @Override
    public void activationBackward(ActivationFunction f, int rows, int cols, Memory z, int zOffset,
                                   Memory y, int yOffset, Memory dy, int dyOffset, Memory dz, int dzOffset) {
        KernelArguments.check(f.kind(), "backward z", z, zOffset, rows, cols);
        KernelArguments.check(f.kind(), "backward y", y, yOffset, rows, cols);
        KernelArguments.check(f.kind(), "backward dy", dy, dyOffset, rows, cols);
        KernelArguments.check(f.kind(), "backward dz", dz, dzOffset, rows, cols);
        backend.activationBackward(f, rows, cols, z, zOffset, y, yOffset, dy, dyOffset, dz, dzOffset);
    }

    @Override
    public void columnSums(int rows, int cols, Memory x, int xOffset, Memory sums, int sumsOffset) {
        KernelArguments.check("columnSums", "x", x, xOffset, rows, cols);
        KernelArguments.check("columnSums", "sums", sums, sumsOffset, cols);
        backend.columnSums(rows, cols, x, xOffset, sums, sumsOffset);
    }

    @Override
    public void denseForward(ActivationFunction f, int rows, int in, int out, Memory x, int xOffset, Memory w, int wOffset,
                             Memory bias, int biasOffset, Memory z, int zOffset, Memory y, int yOffset) {
        if (rows < 0 || in < 0 || out < 0) {
            throw new IllegalArgumentException("denseForward: negative shape rows=" + rows + " in=" + in + " out=" + out);
        }
        KernelArguments.check("denseForward", "x", x, xOffset, rows, in);
        KernelArguments.check("denseForward", "w", w, wOffset, in, out);
        if (bias != null) {
            KernelArguments.check("denseForward", "bias", bias, biasOffset, out);
        }
        KernelArguments.check("denseForward", "z", z, zOffset, rows, out);
        KernelArguments.check("denseForward", "y", y, yOffset, rows, out);
        backend.denseForward(f, rows, in, out, x, xOffset, w, wOffset, bias, biasOffset, z, zOffset, y, yOffset);
    }

    @Override
    public void denseParameterGradients(int rows, int in, int out, Memory x, int xOffset, Memory dz, int dzOffset,
                                        Memory dw, int dwOffset, Memory dbias, int dbiasOffset) {
        if (rows < 0 || in < 0 || out < 0) {
            throw new IllegalArgumentException("denseParameterGradients: negative shape rows=" + rows + " in=" + in
                    + " out=" + out);
        }
        KernelArguments.check("denseParameterGradients", "x", x, xOffset, rows, in);
        KernelArguments.check("denseParameterGradients", "dz", dz, dzOffset, rows, out);
        KernelArguments.check("denseParameterGradients", "dw", dw, dwOffset, in, out);
        KernelArguments.check("denseParameterGradients", "dbias", dbias, dbiasOffset, out);
        backend.denseParameterGradients(rows, in, out, x, xOffset, dz, dzOffset, dw, dwOffset, dbias, dbiasOffset);
    }

    // ---- dropout ------------------------------------------------------------------------------

    @Override
    public void dropout(double rate, long seed, long step, int count, Memory x, int xOffset, Memory y, int yOffset) {
        checkDropout(rate, count, x, xOffset, y, yOffset);
        backend.dropout(rate, seed, step, count, x, xOffset, y, yOffset);
    }

    @Override
    public void dropoutBackward(double rate, long seed, long step, int count,
                                Memory dy, int dyOffset, Memory dx, int dxOffset) {
        checkDropout(rate, count, dy, dyOffset, dx, dxOffset);
        backend.dropoutBackward(rate, seed, step, count, dy, dyOffset, dx, dxOffset);
    }

    @Override
    public void dropoutSlice(int firstSample, int batch) {
        if (firstSample < 0 || batch < 0 || firstSample % DropoutMask.GROUP != 0) {
            throw new IllegalArgumentException("a dropout slice starts at a multiple of " + DropoutMask.GROUP
                    + " samples and holds 0 or more, was sample " + firstSample + " (batch " + batch + ")");
        }
        backend.dropoutSlice(firstSample, batch);
    }

    /** Keras accepts dropout rates in [0, 1). */
    private static void checkDropout(double rate, int count, Memory input, int inputOffset, Memory output, int outputOffset) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate " + rate + " is outside [0, 1)");
        }
        KernelArguments.check("dropout", "input", input, inputOffset, count);
        KernelArguments.check("dropout", "output", output, outputOffset, count);
    }

    // ---- convolution family -------------------------------------------------------------------

    @Override
    public void conv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                       Memory columns, int columnsOffset, Memory z, int zOffset) {
        checkConv2d(window, batch, x, xOffset, kernel, kernelOffset, backend.conv2dUsesColumns(window) ? columns : null,
                columnsOffset, z, zOffset);
        backend.conv2d(window, batch, x, xOffset, kernel, kernelOffset, columns, columnsOffset, z, zOffset);
    }

    /** Forward's operands (dz in z's place), then the gradients that are asked for. */
    @Override
    public void conv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                               Memory columns, int columnsOffset, Memory dz, int dzOffset,
                               Memory dKernel, int dKernelOffset, Memory dColumns, int dColumnsOffset,
                               Memory dx, int dxOffset) {
        checkConv2d(window, batch, x, xOffset, kernel, kernelOffset, columns, columnsOffset, dz, dzOffset);
        KernelArguments.check("conv2d backward", "dz", dz, dzOffset, batch, window.outputSize());
        if (dKernel != null) {
            KernelArguments.check("conv2d backward", "dKernel", dKernel, dKernelOffset, window.patchSize(),
                    window.outputChannels());
        }
        if (dx != null) {
            KernelArguments.check("conv2d backward", "dColumns", dColumns, dColumnsOffset,
                    (long) batch * window.outputPositions() * window.patchSize());
            KernelArguments.check("conv2d backward", "dx", dx, dxOffset, batch, window.inputSize());
        }
        backend.conv2dBackward(window, batch, x, xOffset, kernel, kernelOffset, columns, columnsOffset, dz, dzOffset,
                dKernel, dKernelOffset, dColumns, dColumnsOffset, dx, dxOffset);
    }

    @Override
    public boolean conv2dUsesColumns(Window2D window) {
        return backend.conv2dUsesColumns(window);
    }

    /** {@code columns}: null where the backend does not use them (their offset may then lie past their memory's end). */
    private static void checkConv2d(Window2D w, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                    Memory columns, int columnsOffset, Memory z, int zOffset) {
        checkBatch("conv2d", batch);
        KernelArguments.check("conv2d", "x", x, xOffset, batch, w.inputSize());
        KernelArguments.check("conv2d", "kernel", kernel, kernelOffset, w.patchSize(), w.outputChannels());
        if (columns != null) {
            KernelArguments.check("conv2d", "columns", columns, columnsOffset, (long) batch * w.outputPositions() * w.patchSize());
        }
        KernelArguments.check("conv2d", "z", z, zOffset, batch, w.outputSize());
    }

    @Override
    public void depthwiseConv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                Memory y, int yOffset) {
        checkDepthwise("depthwiseConv2d", window, batch, x, xOffset, kernel, kernelOffset, y, yOffset);
        backend.depthwiseConv2d(window, batch, x, xOffset, kernel, kernelOffset, y, yOffset);
    }

    /** x and kernel as forward read them, dy as the window's output. */
    @Override
    public void depthwiseConv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                        Memory dy, int dyOffset, Memory dKernel, int dKernelOffset, Memory dx, int dxOffset) {
        String name = "depthwiseConv2d backward";
        checkDepthwise(name, window, batch, x, xOffset, kernel, kernelOffset, dy, dyOffset);
        if (dKernel != null) {
            KernelArguments.check(name, "dKernel", dKernel, dKernelOffset, depthwiseKernelSize(window));
        }
        if (dx != null) {
            KernelArguments.check(name, "dx", dx, dxOffset, batch, window.inputSize());
        }
        backend.depthwiseConv2dBackward(window, batch, x, xOffset, kernel, kernelOffset, dy, dyOffset,
                dKernel, dKernelOffset, dx, dxOffset);
    }

    /** A depthwise window has m output channels per input channel, its kernel (kh, kw, cin, m). */
    private static void checkDepthwise(String kernel, Window2D w, int batch, Memory x, int xOffset,
                                       Memory weights, int weightsOffset, Memory output, int outputOffset) {
        if (w.outputChannels() % w.inputChannels() != 0) {
            throw new IllegalArgumentException(kernel + ": " + w.outputChannels() + " output channels are not a multiple of "
                    + w.inputChannels() + " input channels (a whole depth multiplier): " + w);
        }
        checkWindow(kernel, w, batch, x, xOffset, output, outputOffset);
        KernelArguments.check(kernel, "kernel", weights, weightsOffset, depthwiseKernelSize(w));
    }

    private static long depthwiseKernelSize(Window2D w) {
        return (long) w.windowHeight() * w.windowWidth() * w.outputChannels();
    }

    @Override
    public void pool2d(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset) {
        checkWindow("pool2d", window, batch, x, xOffset, y, yOffset);
        backend.pool2d(kind, window, batch, x, xOffset, y, yOffset);
    }

    /** dx and dy as the window's input and output, and x as forward read it. */
    @Override
    public void pool2dBackward(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset,
                               Memory dy, int dyOffset, Memory dx, int dxOffset) {
        checkWindow("pool2d backward", window, batch, dx, dxOffset, dy, dyOffset);
        KernelArguments.check("pool2d backward", "x", x, xOffset, batch, window.inputSize());
        backend.pool2dBackward(kind, window, batch, x, xOffset, dy, dyOffset, dx, dxOffset);
    }

    @Override
    public void zeroPad2d(Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset) {
        checkWindow("zeroPad2d", window, batch, x, xOffset, y, yOffset);
        backend.zeroPad2d(window, batch, x, xOffset, y, yOffset);
    }

    @Override
    public void zeroPad2dBackward(Window2D window, int batch, Memory dy, int dyOffset, Memory dx, int dxOffset) {
        checkWindow("zeroPad2d backward", window, batch, dx, dxOffset, dy, dyOffset);
        backend.zeroPad2dBackward(window, batch, dy, dyOffset, dx, dxOffset);
    }

    /** {@code kernel} names the caller; input and output are the window's (x and y, or dx and dy). */
    private static void checkWindow(String kernel, Window2D w, int batch, Memory input, int inputOffset,
                                    Memory output, int outputOffset) {
        checkBatch(kernel, batch);
        KernelArguments.check(kernel, "input", input, inputOffset, batch, w.inputSize());
        KernelArguments.check(kernel, "output", output, outputOffset, batch, w.outputSize());
    }

    private static void checkBatch(String kernel, int batch) {
        if (batch < 0) {
            throw new IllegalArgumentException(kernel + ": negative batch " + batch);
        }
    }

    // ---- batch normalization ------------------------------------------------------------------

    @Override
    public void batchNorm(boolean training, int rows, int cols, double momentum, double epsilon, Memory x, int xOffset,
                          Memory gamma, int gammaOffset, Memory beta, int betaOffset, Memory movingMean, int movingMeanOffset,
                          Memory movingVariance, int movingVarianceOffset, Memory statistics, int statisticsOffset,
                          Memory y, int yOffset) {
        checkBatchNorm("batchNorm", rows, cols, momentum, epsilon, x, xOffset, y, yOffset,
                training ? statistics : null, statisticsOffset);
        checkUnlessAbsent("batchNorm", "gamma", gamma, gammaOffset, cols);
        checkUnlessAbsent("batchNorm", "beta", beta, betaOffset, cols);
        KernelArguments.check("batchNorm", "movingMean", movingMean, movingMeanOffset, cols);
        KernelArguments.check("batchNorm", "movingVariance", movingVariance, movingVarianceOffset, cols);
        backend.batchNorm(training, rows, cols, momentum, epsilon, x, xOffset, gamma, gammaOffset, beta, betaOffset,
                movingMean, movingMeanOffset, movingVariance, movingVarianceOffset, statistics, statisticsOffset, y, yOffset);
    }

    @Override
    public void batchNormBackward(int rows, int cols, Memory x, int xOffset, Memory gamma, int gammaOffset,
                                  Memory statistics, int statisticsOffset, Memory dy, int dyOffset,
                                  Memory dGamma, int dGammaOffset, Memory dBeta, int dBetaOffset, Memory dx, int dxOffset) {
        checkBatchNorm("batchNorm backward", rows, cols, 0, 1, x, xOffset, dy, dyOffset, statistics, statisticsOffset);
        checkUnlessAbsent("batchNorm backward", "gamma", gamma, gammaOffset, cols);
        checkUnlessAbsent("batchNorm backward", "dGamma", dGamma, dGammaOffset, cols);
        checkUnlessAbsent("batchNorm backward", "dBeta", dBeta, dBetaOffset, cols);
        checkUnlessAbsent("batchNorm backward", "dx", dx, dxOffset, (long) rows * cols);
        backend.batchNormBackward(rows, cols, x, xOffset, gamma, gammaOffset, statistics, statisticsOffset, dy, dyOffset,
                dGamma, dGammaOffset, dBeta, dBetaOffset, dx, dxOffset);
    }

    /** A batch normalization's optional operand (gamma, beta, a gradient) inside its memory, when given. */
    private static void checkUnlessAbsent(String kernel, String operand, Memory memory, int offset, long count) {
        if (memory != null) {
            KernelArguments.check(kernel, operand, memory, offset, count);
        }
    }

    private static void checkBatchNorm(String kernel, int rows, int cols, double momentum, double epsilon,
                                       Memory x, int xOffset, Memory y, int yOffset, Memory statistics, int statisticsOffset) {
        if (!(momentum >= 0 && momentum < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException(kernel + ": momentum " + momentum + " outside [0, 1) or epsilon "
                    + epsilon + " not positive");
        }
        KernelArguments.check(kernel, "x", x, xOffset, rows, cols);
        KernelArguments.check(kernel, "y", y, yOffset, rows, cols);
        if (statistics != null) {
            KernelArguments.check(kernel, "statistics", statistics, statisticsOffset, 2L * cols);
        }
    }

    // ---- sequence layers: their checks live beside their kernels -------------------------------

    @Override
    public void recurrent(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                          Memory x, int xOffset, Memory weights, int weightsOffset,
                          Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        SequenceKernels.checkRecurrent("recurrent", cell, batch, steps, inputs, units, returnSequences, x, xOffset,
                weights, weightsOffset, workspace, workspaceOffset, y, yOffset);
        backend.recurrent(cell, batch, steps, inputs, units, returnSequences, x, xOffset, weights, weightsOffset,
                workspace, workspaceOffset, y, yOffset);
    }

    @Override
    public void recurrentBackward(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                                  Memory x, int xOffset, Memory weights, int weightsOffset,
                                  Memory workspace, int workspaceOffset, Memory dy, int dyOffset,
                                  Memory dWeights, int dWeightsOffset, Memory dWorkspace, int dWorkspaceOffset,
                                  Memory dx, int dxOffset) {
        SequenceKernels.checkRecurrentBackward(cell, batch, steps, inputs, units, returnSequences, x, xOffset,
                weights, weightsOffset, workspace, workspaceOffset, dy, dyOffset, dWeights, dWeightsOffset,
                dWorkspace, dWorkspaceOffset, dx, dxOffset);
        backend.recurrentBackward(cell, batch, steps, inputs, units, returnSequences, x, xOffset, weights, weightsOffset,
                workspace, workspaceOffset, dy, dyOffset, dWeights, dWeightsOffset, dWorkspace, dWorkspaceOffset, dx, dxOffset);
    }

    @Override
    public void embedding(int rows, int inputDim, int outputDim, Memory indices, int indicesOffset,
                          Memory table, int tableOffset, Memory y, int yOffset) {
        SequenceKernels.checkEmbedding("embedding", rows, inputDim, outputDim, indices, indicesOffset, table, tableOffset);
        KernelArguments.check("embedding", "y", y, yOffset, rows, outputDim);
        backend.embedding(rows, inputDim, outputDim, indices, indicesOffset, table, tableOffset, y, yOffset);
    }

    @Override
    public void embeddingBackward(int rows, int inputDim, int outputDim, Memory indices, int indicesOffset,
                                  Memory dy, int dyOffset, Memory dTable, int dTableOffset) {
        SequenceKernels.checkEmbedding("embeddingBackward", rows, inputDim, outputDim, indices, indicesOffset,
                dTable, dTableOffset);
        KernelArguments.check("embeddingBackward", "dy", dy, dyOffset, rows, outputDim);
        backend.embeddingBackward(rows, inputDim, outputDim, indices, indicesOffset, dy, dyOffset, dTable, dTableOffset);
    }

    // ---- merge layers -------------------------------------------------------------------------

    @Override
    public void merge(MergeKind kind, int input, float scale, int count, Memory x, int xOffset, Memory y, int yOffset,
                      Memory chosen, int chosenOffset, ActivationFunction f, Memory activated, int activatedOffset) {
        if (input < 0) {
            throw new IllegalArgumentException("merge: input " + input + " is negative");
        }
        KernelArguments.check(kind, "x", x, xOffset, count);
        KernelArguments.check(kind, "y", y, yOffset, count);
        boolean chooses = kind == MergeKind.MAXIMUM || kind == MergeKind.MINIMUM;
        if (chooses) {
            KernelArguments.check(kind, "chosen", chosen, chosenOffset, count);
        } else if (chosen != null) {
            throw new IllegalArgumentException(kind + " merge: chosen must be null; only MAXIMUM and MINIMUM choose");
        }
        if (f == null) {
            throw new IllegalArgumentException(kind + " merge: the activation function is null; IDENTITY applies none");
        }
        if (activated != null) {
            if (f.kind() == Activation.Kind.SOFTMAX) {
                throw new IllegalArgumentException(kind + " merge: SOFTMAX is row-wise, not element-wise; apply it with biasActivation");
            }
            KernelArguments.check(kind, "activated", activated, activatedOffset, count);
        } else if (f.kind() != Activation.Kind.LINEAR) {
            throw new IllegalArgumentException(kind + " merge: activation " + f.kind() + " has no activated output to write");
        }
        backend.merge(kind, input, scale, count, x, xOffset, y, yOffset, chosen, chosenOffset, f, activated, activatedOffset);
    }

    @Override
    public void mergeChosenBackward(int input, int count, Memory chosen, int chosenOffset, Memory dy, int dyOffset,
                                    Memory dx, int dxOffset) {
        if (input < 0) {
            throw new IllegalArgumentException("mergeChosenBackward: input " + input + " is negative");
        }
        KernelArguments.check("mergeChosenBackward", "chosen", chosen, chosenOffset, count);
        KernelArguments.check("mergeChosenBackward", "dy", dy, dyOffset, count);
        KernelArguments.check("mergeChosenBackward", "dx", dx, dxOffset, count);
        backend.mergeChosenBackward(input, count, chosen, chosenOffset, dy, dyOffset, dx, dxOffset);
    }

    @Override
    public void copyColumns(int rows, int cols, Memory x, int xOffset, int xWidth, int xColumn,
                            Memory y, int yOffset, int yWidth, int yColumn) {
        checkColumns("x", rows, cols, x, xOffset, xWidth, xColumn);
        checkColumns("y", rows, cols, y, yOffset, yWidth, yColumn);
        backend.copyColumns(rows, cols, x, xOffset, xWidth, xColumn, y, yOffset, yWidth, yColumn);
    }

    /** Columns {@code [column, column + cols)} must lie inside rows of {@code width}, and the rows inside the memory. */
    private static void checkColumns(String operand, int rows, int cols, Memory memory, int offset, int width, int column) {
        if (column < 0 || cols < 0 || column + (long) cols > width) {
            throw new IllegalArgumentException("copyColumns " + operand + ": columns " + column + " + " + cols
                    + " are outside rows of " + width);
        }
        KernelArguments.check("copyColumns", operand, memory, offset, rows, width);
    }

    // ---- losses and metrics -------------------------------------------------------------------

    @Override
    public double loss(LossKind kind, boolean fused, int rows, int cols, Memory y, int yOffset, Memory z, int zOffset,
                       Memory targets, int targetsOffset, Memory weights, int weightsOffset,
                       Memory gradient, int gradientOffset, float gradientScale) {
        if (gradient == null) {
            throw new NullPointerException("loss: gradient is null (lossValue computes the loss alone)");
        }
        checkLoss(kind, fused, rows, cols, y, yOffset, z, zOffset, targets, targetsOffset, weights, weightsOffset,
                gradient, gradientOffset);
        return backend.loss(kind, fused, rows, cols, y, yOffset, z, zOffset, targets, targetsOffset, weights, weightsOffset,
                gradient, gradientOffset, gradientScale);
    }

    @Override
    public double lossValue(LossKind kind, boolean fused, int rows, int cols, Memory y, int yOffset,
                            Memory z, int zOffset, Memory targets, int targetsOffset, Memory weights, int weightsOffset) {
        checkLoss(kind, fused, rows, cols, y, yOffset, z, zOffset, targets, targetsOffset, weights, weightsOffset, null, 0);
        return backend.lossValue(kind, fused, rows, cols, y, yOffset, z, zOffset, targets, targetsOffset,
                weights, weightsOffset);
    }

    /** Only the operands the loss reads are checked: z when fused, y otherwise; the gradient when given. */
    private static void checkLoss(LossKind kind, boolean fused, int rows, int cols, Memory y, int yOffset,
                                  Memory z, int zOffset, Memory targets, int targetsOffset,
                                  Memory weights, int weightsOffset, Memory gradient, int gradientOffset) {
        if (fused && kind == LossKind.MEAN_SQUARED_ERROR) {
            throw new IllegalArgumentException("mean squared error has no activation to fuse with");
        }
        if (fused) {
            KernelArguments.check(kind, "z", z, zOffset, rows, cols);
        } else {
            KernelArguments.check(kind, "y", y, yOffset, rows, cols);
        }
        int targetsPerRow = kind == LossKind.SPARSE_CATEGORICAL_CROSSENTROPY ? 1 : cols;
        KernelArguments.check(kind, "targets", targets, targetsOffset, rows, targetsPerRow);
        if (weights != null) {
            KernelArguments.check(kind, "weights", weights, weightsOffset, rows, 1);
        }
        if (gradient != null) {
            KernelArguments.check(kind, "gradient", gradient, gradientOffset, rows, cols);
        }
    }

    @Override
    public long countCorrect(AccuracyKind kind, int rows, int cols, Memory y, int yOffset,
                             Memory targets, int targetsOffset) {
        KernelArguments.check(kind, "accuracy y", y, yOffset, rows, cols);
        int targetsPerRow = kind == AccuracyKind.SPARSE_CATEGORICAL ? 1 : cols;
        KernelArguments.check(kind, "accuracy targets", targets, targetsOffset, rows, targetsPerRow);
        return backend.countCorrect(kind, rows, cols, y, yOffset, targets, targetsOffset);
    }

    /** Also that a confusion count's class is a column and that {@code counts} has room. */
    @Override
    public void countMetric(MetricCounter counter, int rows, int cols, Memory y, int yOffset,
                            Memory targets, int targetsOffset, long[] counts, int countsOffset) {
        KernelArguments.check(counter.kind(), "metric y", y, yOffset, rows, cols);
        KernelArguments.check(counter.kind(), "metric targets", targets, targetsOffset, rows, counter.targetWidth(cols));
        if (counter.classId() >= cols) {
            throw new IllegalArgumentException(counter.kind() + ": class " + counter.classId() + " is not a column of "
                    + cols);
        }
        if (counts == null) {
            throw new NullPointerException(counter.kind() + " counts are null");
        }
        if (countsOffset < 0 || countsOffset + counter.counters() > counts.length) {
            throw new IndexOutOfBoundsException(counter.kind() + ": " + counter.counters() + " counts at " + countsOffset
                    + " do not fit in " + counts.length);
        }
        backend.countMetric(counter, rows, cols, y, yOffset, targets, targetsOffset, counts, countsOffset);
    }

    // ---- optimizers: the state buffers the rule uses each hold count values -----------------

    @Override
    public void update(UpdateRule rule, int count, Memory weights, Memory gradients, Memory firstState,
                       Memory secondState, float learningRate, long t) {
        KernelArguments.check(rule.name(), "weights", weights, 0, count);
        KernelArguments.check(rule.name(), "gradients", gradients, 0, count);
        if (rule.stateBuffers() > 0) {
            KernelArguments.check(rule.name(), "state", firstState, 0, count);
        }
        if (rule.stateBuffers() > 1) {
            KernelArguments.check(rule.name(), "second state", secondState, 0, count);
        }
        backend.update(rule, count, weights, gradients, firstState, secondState, learningRate, t);
    }

    // ---- capabilities and threads: the backend's own ---------------------------------------------

    @Override
    public boolean keepsTrainingDataResident() {
        return backend.keepsTrainingDataResident();
    }

    @Override
    public BatchLanding batchLanding(int values) {
        return backend.batchLanding(values);
    }

    @Override
    public StepReplay stepReplay() {
        return backend.stepReplay();
    }

    @Override
    public double lossScale() {
        return backend.lossScale();
    }

    @Override
    public DeviceReduction deviceReduction(DeviceCommunicator communicator) {
        return backend.deviceReduction(communicator);
    }

    /** The fork behind checks of its own. */
    @Override
    public Backend fork() {
        Backend fork = backend.fork();
        return fork == null ? null : new CheckedBackend(fork);
    }

    @Override
    public Memory borrow(Memory memory) {
        return backend.borrow(memory);
    }

    @Override
    public <T> T onCallingThread(Supplier<T> kernels) {
        return backend.onCallingThread(kernels);
    }

    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return backend.toString();
    }
}
