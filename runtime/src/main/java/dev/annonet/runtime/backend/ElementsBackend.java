package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.contract.Window2D;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A backend whose memories are {@link Elements}: the kernels written once for every backend
 * (activations, dropout, losses, accuracy) are bound here, behind {@link CheckedBackend}'s checks.
 * The reference backend uses them all; a fast backend overrides the ones it specializes.
 */
public abstract class ElementsBackend implements Backend {
    /** The words of a dropout mask's block, reused by every dropout call so a step allocates nothing. */
    protected final int[] dropoutBlock = new int[Philox4x32.WORDS];

    /** {@code memory} as this backend's own, or an exception saying why it is not. */
    protected abstract Elements elements(Memory memory);

    private Elements elementsOrNull(Memory memory) {
        return memory == null ? null : elements(memory);
    }

    @Override
    public void uploadIndices(int[] source, int sourceOffset, Memory target, int targetOffset, int count) {
        Elements to = elements(target);
        for (int i = 0; i < count; i++) {
            to.setIndex(targetOffset + i, source[sourceOffset + i]);
        }
    }

    @Override
    public void gatherRows(int rows, int width, Memory source, Memory indices, int indicesOffset,
                           Memory target, int targetOffset) {
        Elements from = elements(source);
        Elements index = elements(indices);
        Elements to = elements(target);
        for (int r = 0; r < rows; r++) {
            int row = KernelArguments.rowIndex("gatherRows", index.getIndex(indicesOffset + r), source, width);
            for (int c = 0; c < width; c++) {
                to.set(targetOffset + r * width + c, from.get(row * width + c));
            }
        }
    }

    @Override
    public void merge(MergeKind kind, int input, float scale, int count, Memory x, int xOffset, Memory y, int yOffset,
                      Memory chosen, int chosenOffset, ActivationFunction f, Memory activated, int activatedOffset) {
        MergeKernels.merge(kind, input, scale, count, elements(x), xOffset, elements(y), yOffset, elementsOrNull(chosen),
                chosenOffset, f, elementsOrNull(activated), activatedOffset);
    }

    @Override
    public void mergeChosenBackward(int input, int count, Memory chosen, int chosenOffset, Memory dy, int dyOffset,
                                    Memory dx, int dxOffset) {
        MergeKernels.chosenBackward(input, count, elements(chosen), chosenOffset, elements(dy), dyOffset, elements(dx), dxOffset);
    }

    @Override
    public void copyColumns(int rows, int cols, Memory x, int xOffset, int xWidth, int xColumn,
                            Memory y, int yOffset, int yWidth, int yColumn) {
        MergeKernels.copyColumns(rows, cols, elements(x), xOffset, xWidth, xColumn, elements(y), yOffset, yWidth, yColumn);
    }

    @Override
    public void biasActivation(ActivationFunction f, int rows, int cols,
                               Memory z, int zOffset, Memory bias, int biasOffset, Memory y, int yOffset) {
        ActivationKernels.biasActivation(f, rows, cols, elements(z), zOffset, elementsOrNull(bias), biasOffset,
                elements(y), yOffset);
    }

    @Override
    public void activationBackward(ActivationFunction f, int rows, int cols, Memory z, int zOffset,
                                   Memory y, int yOffset, Memory dy, int dyOffset, Memory dz, int dzOffset) {
        ActivationKernels.backward(f, rows, cols, elements(z), zOffset, elements(y), yOffset,
                elements(dy), dyOffset, elements(dz), dzOffset);
    }

    @Override
    public void dropout(double rate, long seed, long step, int count, Memory x, int xOffset, Memory y, int yOffset) {
        DropoutKernels.apply(rate, seed, step, count, elements(x), xOffset, elements(y), yOffset, dropoutBlock);
    }

    @Override
    public void dropoutBackward(double rate, long seed, long step, int count,
                                Memory dy, int dyOffset, Memory dx, int dxOffset) {
        DropoutKernels.apply(rate, seed, step, count, elements(dy), dyOffset, elements(dx), dxOffset, dropoutBlock);
    }

    @Override
    public double loss(LossKind kind, boolean fused, int rows, int cols, Memory y, int yOffset, Memory z, int zOffset,
                       Memory targets, int targetsOffset, Memory weights, int weightsOffset,
                       Memory gradient, int gradientOffset, float gradientScale) {
        return LossKernels.loss(kind, fused, rows, cols, elementsOrNull(y), yOffset, elementsOrNull(z), zOffset,
                elements(targets), targetsOffset, elementsOrNull(weights), weightsOffset,
                elements(gradient), gradientOffset, gradientScale);
    }

    @Override
    public double lossValue(LossKind kind, boolean fused, int rows, int cols, Memory y, int yOffset,
                            Memory z, int zOffset, Memory targets, int targetsOffset, Memory weights, int weightsOffset) {
        return LossKernels.loss(kind, fused, rows, cols, elementsOrNull(y), yOffset, elementsOrNull(z), zOffset,
                elements(targets), targetsOffset, elementsOrNull(weights), weightsOffset, null, 0, 0);
    }

    @Override
    public long countCorrect(AccuracyKind kind, int rows, int cols, Memory y, int yOffset,
                             Memory targets, int targetsOffset) {
        return LossKernels.countCorrect(kind, rows, cols, elements(y), yOffset, elements(targets), targetsOffset);
    }

    @Override
    public void countMetric(MetricCounter counter, int rows, int cols, Memory y, int yOffset,
                            Memory targets, int targetsOffset, long[] counts, int countsOffset) {
        MetricKernels.count(counter, rows, cols, elements(y), yOffset, elements(targets), targetsOffset, counts, countsOffset);
    }

    // ---- convolution family: the reference's plain loops (ImageKernels); fast backends override the hot ones

    @Override
    public void conv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                       Memory columns, int columnsOffset, Memory z, int zOffset) {
        ImageKernels.conv2d(window, batch, elements(x), xOffset, elements(kernel), kernelOffset, elements(z), zOffset);
    }

    /** The plain loops read the input where it is. */
    @Override
    public boolean conv2dUsesColumns(Window2D window) {
        return false;
    }

    @Override
    public void conv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                               Memory columns, int columnsOffset, Memory dz, int dzOffset,
                               Memory dKernel, int dKernelOffset, Memory dColumns, int dColumnsOffset,
                               Memory dx, int dxOffset) {
        ImageKernels.conv2dBackward(window, batch, elements(x), xOffset, elements(kernel), kernelOffset,
                elements(dz), dzOffset, elementsOrNull(dKernel), dKernelOffset, elementsOrNull(dx), dxOffset);
    }

    @Override
    public void depthwiseConv2d(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                Memory y, int yOffset) {
        ImageKernels.depthwiseConv2d(window, batch, elements(x), xOffset, elements(kernel), kernelOffset, elements(y), yOffset);
    }

    @Override
    public void depthwiseConv2dBackward(Window2D window, int batch, Memory x, int xOffset, Memory kernel, int kernelOffset,
                                        Memory dy, int dyOffset, Memory dKernel, int dKernelOffset, Memory dx, int dxOffset) {
        ImageKernels.depthwiseConv2dBackward(window, batch, elements(x), xOffset, elements(kernel), kernelOffset,
                elements(dy), dyOffset, elementsOrNull(dKernel), dKernelOffset, elementsOrNull(dx), dxOffset);
    }

    @Override
    public void pool2d(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset) {
        ImageKernels.pool2d(kind, window, batch, elements(x), xOffset, elements(y), yOffset);
    }

    @Override
    public void pool2dBackward(PoolingKind kind, Window2D window, int batch, Memory x, int xOffset,
                               Memory dy, int dyOffset, Memory dx, int dxOffset) {
        ImageKernels.pool2dBackward(kind, window, batch, elements(x), xOffset, elements(dy), dyOffset, elements(dx), dxOffset);
    }

    @Override
    public void zeroPad2d(Window2D window, int batch, Memory x, int xOffset, Memory y, int yOffset) {
        ImageKernels.zeroPad2d(window, batch, elements(x), xOffset, elements(y), yOffset);
    }

    @Override
    public void zeroPad2dBackward(Window2D window, int batch, Memory dy, int dyOffset, Memory dx, int dxOffset) {
        ImageKernels.zeroPad2dBackward(window, batch, elements(dy), dyOffset, elements(dx), dxOffset);
    }

    // ---- batch normalization over the last axis, any rank: the reference's plain loops (BatchNormKernels)

    @Override
    public void batchNorm(boolean training, int rows, int cols, double momentum, double epsilon, Memory x, int xOffset,
                          Memory gamma, int gammaOffset, Memory beta, int betaOffset, Memory movingMean, int movingMeanOffset,
                          Memory movingVariance, int movingVarianceOffset, Memory statistics, int statisticsOffset,
                          Memory y, int yOffset) {
        BatchNormKernels.batchNorm(training, rows, cols, momentum, epsilon, elements(x), xOffset, elementsOrNull(gamma),
                gammaOffset, elementsOrNull(beta), betaOffset, elements(movingMean), movingMeanOffset, elements(movingVariance),
                movingVarianceOffset, training ? elements(statistics) : null, statisticsOffset, elements(y), yOffset);
    }

    @Override
    public void batchNormBackward(int rows, int cols, Memory x, int xOffset, Memory gamma, int gammaOffset,
                                  Memory statistics, int statisticsOffset, Memory dy, int dyOffset,
                                  Memory dGamma, int dGammaOffset, Memory dBeta, int dBetaOffset, Memory dx, int dxOffset) {
        BatchNormKernels.batchNormBackward(rows, cols, elements(x), xOffset, elementsOrNull(gamma), gammaOffset,
                elements(statistics), statisticsOffset, elements(dy), dyOffset, elementsOrNull(dGamma), dGammaOffset,
                elementsOrNull(dBeta), dBetaOffset, elementsOrNull(dx), dxOffset);
    }

    // ---- sequence layers: the same code on every backend, its GEMMs through this backend's matmul --

    private final Map<RecurrentCell, SequenceCells> elementCells = new EnumMap<>(RecurrentCell.class);
    /** {@link #sequenceCells}, made once: a method reference per call would allocate in every training step. */
    private final Function<RecurrentCell, SequenceCells> cellsOf = this::sequenceCells;

    /** A recurrent cell's step arithmetic in double precision; a fast backend overrides it with its own. */
    protected SequenceCells sequenceCells(RecurrentCell cell) {
        SequenceCells cells = elementCells.get(cell);
        if (cells == null) {
            cells = switch (cell) {
                case LSTM -> new ElementLstmCells(this);
                case GRU -> new ElementGruCells(this);
            };
            elementCells.put(cell, cells);
        }
        return cells;
    }

    @Override
    public void recurrent(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                          Memory x, int xOffset, Memory weights, int weightsOffset,
                          Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        SequenceKernels.recurrent(this, cellsOf, cell, batch, steps, inputs, units, returnSequences,
                x, xOffset, weights, weightsOffset, workspace, workspaceOffset, y, yOffset);
    }

    @Override
    public void recurrentBackward(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                                  Memory x, int xOffset, Memory weights, int weightsOffset,
                                  Memory workspace, int workspaceOffset, Memory dy, int dyOffset,
                                  Memory dWeights, int dWeightsOffset, Memory dWorkspace, int dWorkspaceOffset,
                                  Memory dx, int dxOffset) {
        SequenceKernels.recurrentBackward(this, cellsOf, cell, batch, steps, inputs, units, returnSequences,
                x, xOffset, weights, weightsOffset, workspace, workspaceOffset, dy, dyOffset, dWeights, dWeightsOffset,
                dWorkspace, dWorkspaceOffset, dx, dxOffset);
    }

    @Override
    public void embedding(int rows, int inputDim, int outputDim, Memory indices, int indicesOffset,
                          Memory table, int tableOffset, Memory y, int yOffset) {
        SequenceKernels.embedding(this, rows, inputDim, outputDim, indices, indicesOffset, table, tableOffset, y, yOffset);
    }

    @Override
    public void embeddingBackward(int rows, int inputDim, int outputDim, Memory indices, int indicesOffset,
                                  Memory dy, int dyOffset, Memory dTable, int dTableOffset) {
        SequenceKernels.embeddingBackward(this, rows, inputDim, outputDim, indices, indicesOffset,
                dy, dyOffset, dTable, dTableOffset);
    }
}
