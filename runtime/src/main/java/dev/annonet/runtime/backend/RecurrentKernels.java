package dev.annonet.runtime.backend;

/**
 * The LSTM and Embedding kernels, written once for every {@link ElementsBackend}: the GEMMs (one
 * input projection for all steps, one recurrent product per step, the weight gradients) go through
 * the backend's own {@code matmul}, the element-wise gate arithmetic through {@link Elements} in
 * double precision. Nothing is allocated: the state of every step lives in the caller's workspace.
 *
 * <p>Workspace of a batch, from its offset (see {@link Backend#lstm}): gates (batch, steps, 4u),
 * cells (steps, batch, u), states (steps, batch, u), scratch (batch, 4u). States are time-major so
 * that each step's h is one contiguous GEMM operand. Backward uses the same regions of its twin:
 * the gate gradients of every step (batch, steps, 4u, what the kernel and input gradients need),
 * the cell gradient carried to the step before (steps, batch, u), the hidden-state gradient
 * carried to the step before (steps, batch, u), and the current step's gate gradients (batch, 4u).
 */
public final class RecurrentKernels {
    private static final int GATES = 4;

    private RecurrentKernels() {
    }

    /** Values per sample of an LSTM's workspace: gates, cells and states of every step, and one step's scratch. */
    public static int lstmWorkspaceSize(int steps, int units) {
        return steps * 6 * units + GATES * units;
    }

    /** {@link Backend#lstm} on any backend: its GEMMs through {@code backend}, each step's cells through {@code cellMath}. */
    public static void lstm(Backend backend, LstmCells cellMath, int batch, int steps, int inputs, int units,
                            boolean returnSequences, Memory x, int xOffset, Memory weights, int weightsOffset,
                            Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        int width = GATES * units;
        int gates = workspaceOffset;
        int states = LstmCells.states(batch, steps, units, workspaceOffset);
        int scratch = LstmCells.scratch(batch, steps, units, workspaceOffset);
        int recurrent = weightsOffset + inputs * width;
        int bias = recurrent + units * width;
        backend.matmul(false, false, batch * steps, width, inputs, x, xOffset, weights, weightsOffset,
                workspace, gates, false);
        for (int t = 0; t < steps; t++) {
            if (t > 0) {
                backend.matmul(false, false, batch, width, units, workspace, states + (t - 1) * batch * units,
                        weights, recurrent, workspace, scratch, false);
            }
            cellMath.forward(batch, steps, units, t, returnSequences, weights, bias, workspace, workspaceOffset, y, yOffset);
        }
    }

    /** {@link Backend#lstmBackward} on any backend, as {@link #lstm}. */
    public static void lstmBackward(Backend backend, LstmCells cellMath, int batch, int steps, int inputs, int units,
                                    boolean returnSequences, Memory x, int xOffset, Memory weights, int weightsOffset,
                                    Memory workspace, int workspaceOffset, Memory dy, int dyOffset,
                                    Memory dWeights, int dWeightsOffset, Memory dWorkspace, int dWorkspaceOffset,
                                    Memory dx, int dxOffset) {
        int width = GATES * units;
        int states = LstmCells.states(batch, steps, units, workspaceOffset);
        int dGates = dWorkspaceOffset;
        int dStates = LstmCells.states(batch, steps, units, dWorkspaceOffset);
        int dStep = LstmCells.scratch(batch, steps, units, dWorkspaceOffset);
        int recurrent = weightsOffset + inputs * width;
        int dRecurrent = dWeightsOffset + inputs * width;
        int dBias = dRecurrent + units * width;
        backend.fill(dWeights, dRecurrent, units * width, 0f);
        for (int t = steps - 1; t >= 0; t--) {
            cellMath.backward(batch, steps, units, t, returnSequences, workspace, workspaceOffset, dy, dyOffset,
                    dWorkspace, dWorkspaceOffset);
            if (t > 0) {
                int previousStates = states + (t - 1) * batch * units;
                backend.matmul(true, false, units, width, batch, workspace, previousStates, dWorkspace, dStep,
                        dWeights, dRecurrent, true);
                backend.matmul(false, true, batch, units, width, dWorkspace, dStep, weights, recurrent,
                        dWorkspace, dStates + (t - 1) * batch * units, false);
            }
        }
        backend.matmul(true, false, inputs, width, batch * steps, x, xOffset, dWorkspace, dGates,
                dWeights, dWeightsOffset, false);
        backend.columnSums(batch * steps, width, dWorkspace, dGates, dWeights, dBias);
        if (dx != null) {
            backend.matmul(false, true, batch * steps, inputs, width, dWorkspace, dGates, weights, weightsOffset,
                    dx, dxOffset, false);
        }
    }

    /** Kernel, recurrent kernel and bias: 4u · (inputs + u + 1). */
    public static int lstmWeightCount(int inputs, int units) {
        return GATES * units * (inputs + units + 1);
    }

    /** {@link CheckedBackend}'s checks of {@link Backend#lstm}; {@code y} is lstmBackward's dy there. */
    static void checkLstm(String kernel, int batch, int steps, int inputs, int units, boolean returnSequences,
                                  Memory x, int xOffset, Memory weights, int weightsOffset,
                                  Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        if (batch < 0 || steps <= 0 || inputs <= 0 || units <= 0) {
            throw new IllegalArgumentException(kernel + ": batch " + batch + ", steps " + steps + ", inputs " + inputs
                    + ", units " + units + " (steps, inputs and units must be positive)");
        }
        KernelArguments.check(kernel, "x", x, xOffset, (long) batch * steps * inputs);
        KernelArguments.check(kernel, "weights", weights, weightsOffset, lstmWeightCount(inputs, units));
        KernelArguments.check(kernel, "workspace", workspace, workspaceOffset, (long) batch * lstmWorkspaceSize(steps, units));
        KernelArguments.check(kernel, "output", y, yOffset, (long) batch * (returnSequences ? steps : 1) * units);
    }

    static void checkLstmBackward(int batch, int steps, int inputs, int units, boolean returnSequences,
                                  Memory x, int xOffset, Memory weights, int weightsOffset, Memory workspace,
                                  int workspaceOffset, Memory dy, int dyOffset, Memory dWeights, int dWeightsOffset,
                                  Memory dWorkspace, int dWorkspaceOffset, Memory dx, int dxOffset) {
        checkLstm("lstmBackward", batch, steps, inputs, units, returnSequences, x, xOffset, weights, weightsOffset,
                workspace, workspaceOffset, dy, dyOffset);
        KernelArguments.check("lstmBackward", "dWeights", dWeights, dWeightsOffset, lstmWeightCount(inputs, units));
        KernelArguments.check("lstmBackward", "dWorkspace", dWorkspace, dWorkspaceOffset,
                (long) batch * lstmWorkspaceSize(steps, units));
        if (dx != null) {
            KernelArguments.check("lstmBackward", "dx", dx, dxOffset, (long) batch * steps * inputs);
        }
    }

    // ---- Embedding ------------------------------------------------------------------------------

    static void embedding(ElementsBackend backend, int rows, int inputDim, int outputDim, Memory indices,
                          int indicesOffset, Memory table, int tableOffset, Memory y, int yOffset) {
        Elements index = backend.elements(indices);
        requireIndices(index, indicesOffset, rows, inputDim);
        for (int r = 0; r < rows; r++) {
            int row = (int) index.get(indicesOffset + r);
            backend.copy(table, tableOffset + row * outputDim, y, yOffset + r * outputDim, outputDim);
        }
    }

    static void embeddingBackward(ElementsBackend backend, int rows, int inputDim, int outputDim, Memory indices,
                                  int indicesOffset, Memory dy, int dyOffset, Memory dTable, int dTableOffset) {
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

    static void checkEmbedding(String kernel, int rows, int inputDim, int outputDim, Memory indices,
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
