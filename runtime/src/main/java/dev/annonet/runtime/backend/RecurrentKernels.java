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

    static void lstm(ElementsBackend backend, int batch, int steps, int inputs, int units, boolean returnSequences,
                     Memory x, int xOffset, Memory weights, int weightsOffset,
                     Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        checkLstm("lstm", batch, steps, inputs, units, returnSequences, x, xOffset, weights, weightsOffset,
                workspace, workspaceOffset, y, yOffset);
        int width = GATES * units;
        int gates = workspaceOffset;
        int cells = gates + batch * steps * width;
        int states = cells + steps * batch * units;
        int scratch = states + steps * batch * units;
        int recurrent = weightsOffset + inputs * width;
        int bias = recurrent + units * width;
        backend.matmul(false, false, batch * steps, width, inputs, x, xOffset, weights, weightsOffset,
                workspace, gates, false);
        Elements w = backend.elements(weights);
        Elements s = backend.elements(workspace);
        Elements out = backend.elements(y);
        for (int t = 0; t < steps; t++) {
            if (t > 0) {
                backend.matmul(false, false, batch, width, units, workspace, states + (t - 1) * batch * units,
                        weights, recurrent, workspace, scratch, false);
            }
            for (int b = 0; b < batch; b++) {
                int gateRow = gates + (b * steps + t) * width;
                int scratchRow = scratch + b * width;
                int cell = cells + (t * batch + b) * units;
                int state = states + (t * batch + b) * units;
                int output = returnSequences ? yOffset + (b * steps + t) * units : yOffset + b * units;
                for (int j = 0; j < units; j++) {
                    double i = sigmoid(preActivation(s, w, gateRow, bias, t > 0 ? scratchRow : -1, j));
                    double f = sigmoid(preActivation(s, w, gateRow, bias, t > 0 ? scratchRow : -1, units + j));
                    double g = Math.tanh(preActivation(s, w, gateRow, bias, t > 0 ? scratchRow : -1, 2 * units + j));
                    double o = sigmoid(preActivation(s, w, gateRow, bias, t > 0 ? scratchRow : -1, 3 * units + j));
                    double c = i * g + (t > 0 ? f * s.get(cell - batch * units + j) : 0);
                    double h = o * Math.tanh(c);
                    s.set(gateRow + j, i);
                    s.set(gateRow + units + j, f);
                    s.set(gateRow + 2 * units + j, g);
                    s.set(gateRow + 3 * units + j, o);
                    s.set(cell + j, c);
                    s.set(state + j, h);
                    if (returnSequences || t == steps - 1) {
                        out.set(output + j, h);
                    }
                }
            }
        }
    }

    static void lstmBackward(ElementsBackend backend, int batch, int steps, int inputs, int units,
                             boolean returnSequences, Memory x, int xOffset, Memory weights, int weightsOffset,
                             Memory workspace, int workspaceOffset, Memory dy, int dyOffset,
                             Memory dWeights, int dWeightsOffset, Memory dWorkspace, int dWorkspaceOffset,
                             Memory dx, int dxOffset) {
        checkLstm("lstmBackward", batch, steps, inputs, units, returnSequences, x, xOffset, weights, weightsOffset,
                workspace, workspaceOffset, dy, dyOffset);
        KernelArguments.check("lstmBackward", "dWeights", dWeights, dWeightsOffset, lstmWeightCount(inputs, units));
        KernelArguments.check("lstmBackward", "dWorkspace", dWorkspace, dWorkspaceOffset,
                (long) batch * lstmWorkspaceSize(steps, units));
        if (dx != null) {
            KernelArguments.check("lstmBackward", "dx", dx, dxOffset, (long) batch * steps * inputs);
        }
        int width = GATES * units;
        int gates = workspaceOffset;
        int cells = gates + batch * steps * width;
        int states = cells + steps * batch * units;
        int dGates = dWorkspaceOffset;
        int dCells = dGates + batch * steps * width;
        int dStates = dCells + steps * batch * units;
        int dStep = dStates + steps * batch * units;
        int recurrent = weightsOffset + inputs * width;
        int dRecurrent = dWeightsOffset + inputs * width;
        int dBias = dRecurrent + units * width;
        Elements s = backend.elements(workspace);
        Elements ds = backend.elements(dWorkspace);
        Elements up = backend.elements(dy);
        backend.fill(dWeights, dRecurrent, units * width, 0f);
        for (int t = steps - 1; t >= 0; t--) {
            for (int b = 0; b < batch; b++) {
                int gateRow = gates + (b * steps + t) * width;
                int dGateRow = dGates + (b * steps + t) * width;
                int dStepRow = dStep + b * width;
                int cell = cells + (t * batch + b) * units;
                int dCell = dCells + (t * batch + b) * units;
                int dState = dStates + (t * batch + b) * units;
                int output = returnSequences ? dyOffset + (b * steps + t) * units : dyOffset + b * units;
                boolean outputAtStep = returnSequences || t == steps - 1;
                for (int j = 0; j < units; j++) {
                    double i = s.get(gateRow + j);
                    double f = s.get(gateRow + units + j);
                    double g = s.get(gateRow + 2 * units + j);
                    double o = s.get(gateRow + 3 * units + j);
                    double tanhC = Math.tanh(s.get(cell + j));
                    double dh = (outputAtStep ? up.get(output + j) : 0) + (t < steps - 1 ? ds.get(dState + j) : 0);
                    double dc = dh * o * (1 - tanhC * tanhC) + (t < steps - 1 ? ds.get(dCell + j) : 0);
                    double previousC = t > 0 ? s.get(cell - batch * units + j) : 0;
                    setTwice(ds, dGateRow, dStepRow, j, dc * g * i * (1 - i));
                    setTwice(ds, dGateRow, dStepRow, units + j, dc * previousC * f * (1 - f));
                    setTwice(ds, dGateRow, dStepRow, 2 * units + j, dc * i * (1 - g * g));
                    setTwice(ds, dGateRow, dStepRow, 3 * units + j, dh * tanhC * o * (1 - o));
                    if (t > 0) {
                        ds.set(dCell - batch * units + j, dc * f);
                    }
                }
            }
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

    private static void checkLstm(String kernel, int batch, int steps, int inputs, int units, boolean returnSequences,
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

    /** A gate's input projection + bias + (from step 1 on, when {@code scratchRow} ≥ 0) recurrent product. */
    private static double preActivation(Elements s, Elements w, int gateRow, int bias, int scratchRow, int column) {
        return s.get(gateRow + column) + w.get(bias + column) + (scratchRow >= 0 ? s.get(scratchRow + column) : 0);
    }

    /** A gate gradient into the all-steps rows and into the current step's contiguous rows. */
    private static void setTwice(Elements ds, int allSteps, int thisStep, int column, double value) {
        ds.set(allSteps + column, value);
        ds.set(thisStep + column, value);
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
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

    private static void checkEmbedding(String kernel, int rows, int inputDim, int outputDim, Memory indices,
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
