package dev.annonet.contract;

/**
 * The recurrent layers' cells and the sizes both sides of a model agree on: the processor plans
 * the weights and workspace with them, the runtime checks and lays out its kernels' memory by them.
 * Every layer runs the same way: one GEMM projects the input of every step, then per step a GEMM of
 * the previous hidden state with the recurrent kernel and the cell's element-wise arithmetic.
 */
public enum RecurrentCell {
    /**
     * Keras's LSTM: gates i, f, c̃, o; weights kernel (inputs, 4u), recurrent kernel (u, 4u), bias (4u).
     * Workspace per sample: the gates (steps, 4u), cells (steps, u), hidden states (steps, u) and one
     * step's recurrent product (4u).
     */
    LSTM(4) {
        @Override
        public int biasCount(int units) {
            return gates() * units;
        }

        @Override
        public int workspaceSize(int steps, int units) {
            return steps * 6 * units + gates() * units;
        }
    },
    /**
     * Keras's GRU with {@code reset_after = true}: gates z, r, h̃; weights kernel (inputs, 3u),
     * recurrent kernel (u, 3u), bias (2, 3u): the input bias, then the recurrent bias. Workspace per
     * sample: the gates (steps, 3u), every step's recurrent product plus its bias (steps, 3u), kept for
     * the reset gate's gradient, and the hidden states (steps, u).
     */
    GRU(3) {
        @Override
        public int biasCount(int units) {
            return 2 * gates() * units;
        }

        @Override
        public int workspaceSize(int steps, int units) {
            return steps * 7 * units;
        }
    };

    private final int gates;

    RecurrentCell(int gates) {
        this.gates = gates;
    }

    /** Gates per unit: the width of the kernels is {@code gates · units}. */
    public int gates() {
        return gates;
    }

    /** Bias values of a layer of {@code units}. */
    public abstract int biasCount(int units);

    /** Workspace values per sample that the forward pass writes and the backward pass reads; the backward's scratch is as large. */
    public abstract int workspaceSize(int steps, int units);

    /** Kernel, recurrent kernel and bias, contiguous in that order. */
    public int weightCount(int inputs, int units) {
        return gates * units * (inputs + units) + biasCount(units);
    }
}
