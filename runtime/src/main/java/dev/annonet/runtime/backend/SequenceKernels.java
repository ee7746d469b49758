package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;
import java.util.function.Function;

/**
 * The sequence layers' kernels, recurrent layers and Embedding, written once for every backend: a
 * recurrent layer's GEMMs (one input projection for all steps, one recurrent product per step, the
 * weight gradients) go through the backend's own {@code matmul}, each step's element-wise arithmetic
 * through the cell's {@link SequenceCells}. Nothing is allocated: the state of every step lives in
 * the caller's workspace, laid out as {@link SequenceLayout}.
 */
public final class SequenceKernels {

    private SequenceKernels() {
    }

    /** {@link Backend#recurrent} on any backend: its GEMMs through {@code backend}, each step's cells through those {@code cellsOf} gives for the cell. */
    public static void recurrent(Backend backend, Function<RecurrentCell, SequenceCells> cellsOf, RecurrentCell cell, int batch, int steps,
                                 int inputs, int units, boolean returnSequences, Memory x, int xOffset,
                                 Memory weights, int weightsOffset, Memory workspace, int workspaceOffset,
                                 Memory y, int yOffset) {
        checkRecurrent("recurrent", cell, batch, steps, inputs, units, returnSequences, x, xOffset, weights, weightsOffset,
                workspace, workspaceOffset, y, yOffset);
        SequenceCells cells = cellsOf.apply(cell);
        SequenceLayout at = new SequenceLayout(cell, batch, steps, units, workspaceOffset);
        int width = at.width();
        int recurrentKernel = weightsOffset + inputs * width;
        int bias = recurrentKernel + units * width;
        backend.matmul(false, false, batch * steps, width, inputs, x, xOffset, weights, weightsOffset,
                workspace, at.gates(0, 0), false);
        for (int t = 0; t < steps; t++) {
            if (t > 0) {
                backend.matmul(false, false, batch, width, units, workspace, at.state(t - 1, 0),
                        weights, recurrentKernel, workspace, at.recurrent(t, 0), false);
            }
            cells.forward(batch, steps, units, t, returnSequences, weights, bias, workspace, workspaceOffset, y, yOffset);
        }
    }

    /**
     * {@link Backend#recurrentBackward} on any backend, as {@link #recurrent}: per step, from the last,
     * the cells' gradients, then the recurrent kernel's gradient and h(t - 1)'s through the recurrent
     * product; after the loop the kernel's, the biases' and the input's from every step at once.
     */
    public static void recurrentBackward(Backend backend, Function<RecurrentCell, SequenceCells> cellsOf, RecurrentCell cell, int batch, int steps,
                                         int inputs, int units, boolean returnSequences, Memory x, int xOffset,
                                         Memory weights, int weightsOffset, Memory workspace, int workspaceOffset,
                                         Memory dy, int dyOffset, Memory dWeights, int dWeightsOffset,
                                         Memory dWorkspace, int dWorkspaceOffset, Memory dx, int dxOffset) {
        checkRecurrent("recurrentBackward", cell, batch, steps, inputs, units, returnSequences, x, xOffset,
                weights, weightsOffset, workspace, workspaceOffset, dy, dyOffset);
        KernelArguments.check("recurrentBackward", "dWeights", dWeights, dWeightsOffset, cell.weightCount(inputs, units));
        KernelArguments.check("recurrentBackward", "dWorkspace", dWorkspace, dWorkspaceOffset,
                (long) batch * cell.workspaceSize(steps, units));
        if (dx != null) {
            KernelArguments.check("recurrentBackward", "dx", dx, dxOffset, (long) batch * steps * inputs);
        }
        SequenceCells cells = cellsOf.apply(cell);
        SequenceLayout at = new SequenceLayout(cell, batch, steps, units, workspaceOffset);
        SequenceLayout dAt = new SequenceLayout(cell, batch, steps, units, dWorkspaceOffset);
        int width = at.width();
        int recurrentKernel = weightsOffset + inputs * width;
        int dRecurrentKernel = dWeightsOffset + inputs * width;
        int dBias = dRecurrentKernel + units * width;
        backend.fill(dWeights, dRecurrentKernel, units * width, 0f);
        for (int t = steps - 1; t >= 0; t--) {
            cells.backward(batch, steps, units, t, returnSequences, workspace, workspaceOffset, dy, dyOffset,
                    dWorkspace, dWorkspaceOffset);
            if (t > 0) {
                backend.matmul(true, false, units, width, batch, workspace, at.state(t - 1, 0), dWorkspace,
                        dAt.recurrent(t, 0), dWeights, dRecurrentKernel, true);
                backend.matmul(false, true, batch, units, width, dWorkspace, dAt.recurrent(t, 0), weights, recurrentKernel,
                        dWorkspace, dAt.state(t - 1, 0), true);
            }
        }
        backend.matmul(true, false, inputs, width, batch * steps, x, xOffset, dWorkspace, dAt.gates(0, 0),
                dWeights, dWeightsOffset, false);
        backend.columnSums(batch * steps, width, dWorkspace, dAt.gates(0, 0), dWeights, dBias);
        if (cell.biasRows() == 2) {
            // The recurrent bias: every step's recurrent product took it, step 0's alone.
            backend.columnSums(steps * batch, width, dWorkspace, dAt.recurrent(0, 0), dWeights, dBias + width);
        }
        if (dx != null) {
            backend.matmul(false, true, batch * steps, inputs, width, dWorkspace, dAt.gates(0, 0), weights, weightsOffset,
                    dx, dxOffset, false);
        }
    }

    /** The arguments of a recurrent layer's kernels: positive sizes, and memories that hold their regions. */
    public static void checkRecurrent(String kernel, RecurrentCell cell, int batch, int steps, int inputs, int units,
                                      boolean returnSequences, Memory x, int xOffset, Memory weights, int weightsOffset,
                                      Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        if (cell == null) {
            throw new IllegalArgumentException(kernel + ": no recurrent cell given");
        }
        if (batch < 0 || steps <= 0 || inputs <= 0 || units <= 0) {
            throw new IllegalArgumentException(kernel + " (" + cell + "): batch " + batch + ", steps " + steps + ", inputs "
                    + inputs + ", units " + units + " (steps, inputs and units must be positive)");
        }
        KernelArguments.check(kernel, "x", x, xOffset, (long) batch * steps * inputs);
        KernelArguments.check(kernel, "weights", weights, weightsOffset, cell.weightCount(inputs, units));
        KernelArguments.check(kernel, "workspace", workspace, workspaceOffset, (long) batch * cell.workspaceSize(steps, units));
        KernelArguments.check(kernel, "output", y, yOffset, (long) batch * (returnSequences ? steps : 1) * units);
    }

    // ---- Embedding ------------------------------------------------------------------------------

    static void embedding(ElementsBackend backend, int rows, int inputDim, int outputDim, Memory indices,
                          int indicesOffset, Memory table, int tableOffset, Memory y, int yOffset) {
        checkEmbedding("embedding", rows, inputDim, outputDim, indices, indicesOffset, table, tableOffset);
        KernelArguments.check("embedding", "y", y, yOffset, rows, outputDim);
        Elements index = backend.elements(indices);
        requireIndices(index, indicesOffset, rows, inputDim);
        for (int r = 0; r < rows; r++) {
            int row = (int) index.get(indicesOffset + r);
            backend.copy(table, tableOffset + row * outputDim, y, yOffset + r * outputDim, outputDim);
        }
    }

    static void embeddingBackward(ElementsBackend backend, int rows, int inputDim, int outputDim, Memory indices,
                                  int indicesOffset, Memory dy, int dyOffset, Memory dTable, int dTableOffset) {
        checkEmbedding("embeddingBackward", rows, inputDim, outputDim, indices, indicesOffset, dTable, dTableOffset);
        KernelArguments.check("embeddingBackward", "dy", dy, dyOffset, rows, outputDim);
        Elements index = backend.elements(indices);
        requireIndices(index, indicesOffset, rows, inputDim);
        Elements gradient = backend.elements(dy);
        Elements sums = backend.elements(dTable);
        backend.fill(dTable, dTableOffset, inputDim * outputDim, 0f);
        for (int r = 0; r < rows; r++) {
            int row = dTableOffset + (int) index.get(indicesOffset + r) * outputDim;
            for (int c = 0; c < outputDim; c++) {
                sums.set(row + c, sums.get(row + c) + gradient.get(dyOffset + r * outputDim + c));
            }
        }
    }

    public static void checkEmbedding(String kernel, int rows, int inputDim, int outputDim, Memory indices,
                                       int indicesOffset, Memory table, int tableOffset) {
        if (rows < 0 || inputDim <= 0 || outputDim <= 0) {
            throw new IllegalArgumentException(kernel + ": rows " + rows + ", inputDim " + inputDim + ", outputDim "
                    + outputDim + " (the dimensions must be positive)");
        }
        KernelArguments.check(kernel, "indices", indices, indicesOffset, rows);
        KernelArguments.check(kernel, "table", table, tableOffset, inputDim, outputDim);
    }

    private static void requireIndices(Elements indices, int offset, int rows, int inputDim) {
        for (int r = 0; r < rows; r++) {
            double v = indices.get(offset + r);
            if (!(v >= 0 && v < inputDim && v == Math.rint(v))) {
                throw new IllegalArgumentException("embedding: index " + v + " at position " + r
                        + " is not a whole number in [0, " + inputDim + ")");
            }
        }
    }
}
