package dev.annonet.contract;

/**
 * The recurrent layers' cells and the sizes both sides of a model agree on: the processor plans
 * the weights and workspace with them, the runtime checks and lays out its kernels' memory by them.
 * Every layer runs the same way: one GEMM projects the input of every step, then per step a GEMM of
 * the previous hidden state with the recurrent kernel and the cell's element-wise arithmetic.
 *
 * <p>Weights: kernel (inputs, g·u), recurrent kernel (u, g·u), then the bias rows (g·u each),
 * contiguous, g being {@link #gates()}. Workspace per batch, every cell alike, in this order: the
 * gates (batch, steps, g·u: the input projection, then what the cell keeps of its gates), the
 * carried cell states (steps, batch, {@link #cellStates()}·u), the hidden states h (steps, batch, u),
 * then the recurrent products (batch, g·u) of one step, or of every step (steps, batch, g·u) where
 * {@link #keepsEveryRecurrentProduct()}. States are time-major so that each step's h is one
 * contiguous GEMM operand. The backward's workspace has the same regions, holding gradients.
 */
public enum RecurrentCell {
    /**
     * Keras's LSTM: gates i, f, c̃, o, activated in place; one bias; the cell state c carried; one
     * step's recurrent product at a time. Backward: the gate gradients, the c gradient carried to the
     * step before, the h gradient carried to the step before, the current step's gate gradients.
     */
    LSTM(4, 1, 1, false),
    /**
     * Keras's GRU with {@code reset_after = true}: gates z, r, h̃ (activated in place); bias rows: the
     * input bias, then the recurrent bias; no cell state; every step's recurrent product plus the
     * recurrent bias kept, since the reset gate multiplies its h̃ part. Backward: the gradients of
     * the input projection's pre-activations, the h gradient carried to the step before, and every
     * step's gradients of the recurrent product (the h̃ part times r: what the recurrent kernel, the
     * recurrent bias and the h of the step before take).
     */
    GRU(3, 2, 0, true);

    private final int gates;
    private final int biasRows;
    private final int cellStates;
    private final boolean keepsEveryRecurrentProduct;

    RecurrentCell(int gates, int biasRows, int cellStates, boolean keepsEveryRecurrentProduct) {
        this.gates = gates;
        this.biasRows = biasRows;
        this.cellStates = cellStates;
        this.keepsEveryRecurrentProduct = keepsEveryRecurrentProduct;
    }

    /** Gates per unit: the width of the kernels is {@code gates · units}. */
    public int gates() {
        return gates;
    }

    /** Bias rows of {@code gates · units}: 1, or 2 where the recurrent product has a bias of its own. */
    public int biasRows() {
        return biasRows;
    }

    /** Values per unit a step carries to the next besides h (an LSTM's c). */
    public int cellStates() {
        return cellStates;
    }

    /** Whether the backward reads every step's recurrent product, so the workspace keeps them all. */
    public boolean keepsEveryRecurrentProduct() {
        return keepsEveryRecurrentProduct;
    }

    /** Bias values of a layer of {@code units}. */
    public int biasCount(int units) {
        return biasRows * gates * units;
    }

    /** Workspace values per sample that the forward pass writes and the backward pass reads; the backward's scratch is as large. */
    public int workspaceSize(int steps, int units) {
        int recurrentProducts = keepsEveryRecurrentProduct ? steps : 1;
        return steps * (gates + cellStates + 1) * units + recurrentProducts * gates * units;
    }

    /** Kernel, recurrent kernel and bias, contiguous in that order. */
    public int weightCount(int inputs, int units) {
        return gates * units * (inputs + units) + biasCount(units);
    }
}
