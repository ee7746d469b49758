package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;

/** An LSTM's cells in double precision, written as Keras's formulas: gates i, f, c̃, o, the cell state c carried. */
final class ElementLstmCells extends ElementCells {

    ElementLstmCells(ElementsBackend backend) {
        super(backend, RecurrentCell.LSTM);
    }

    @Override
    protected double forwardUnit(Forward step, int b, int j) {
        Elements s = step.s();
        SequenceLayout at = step.at();
        int t = step.t();
        int units = at.units();
        int gateRow = at.gates(b, t);
        double i = sigmoid(preActivation(step, gateRow, b, j));
        double f = sigmoid(preActivation(step, gateRow, b, units + j));
        double g = Math.tanh(preActivation(step, gateRow, b, 2 * units + j));
        double o = sigmoid(preActivation(step, gateRow, b, 3 * units + j));
        double c = i * g + (t > 0 ? f * s.get(at.cell(t - 1, b) + j) : 0);
        s.set(gateRow + j, i);
        s.set(gateRow + units + j, f);
        s.set(gateRow + 2 * units + j, g);
        s.set(gateRow + 3 * units + j, o);
        s.set(at.cell(t, b) + j, c);
        return o * Math.tanh(c);
    }

    /**
     * The gate gradients into the input projection's rows and the step's recurrent product's (equal
     * in an LSTM), c's gradient carried to step t - 1; h(t - 1) reaches step t through the recurrent
     * product alone, so its direct gradient is zero (the recurrent GEMM adds all of it).
     */
    @Override
    protected void backwardUnit(Backward step, int b, int j, double dh) {
        Elements s = step.s();
        Elements ds = step.ds();
        SequenceLayout at = step.at();
        SequenceLayout dAt = step.dAt();
        int t = step.t();
        int units = at.units();
        boolean last = t == at.steps() - 1;
        int gateRow = at.gates(b, t);
        double i = s.get(gateRow + j);
        double f = s.get(gateRow + units + j);
        double g = s.get(gateRow + 2 * units + j);
        double o = s.get(gateRow + 3 * units + j);
        double tanhC = Math.tanh(s.get(at.cell(t, b) + j));
        double dc = dh * o * (1 - tanhC * tanhC) + (last ? 0 : ds.get(dAt.cell(t, b) + j));
        double previousC = t > 0 ? s.get(at.cell(t - 1, b) + j) : 0;
        double[] gradients = {dc * g * i * (1 - i), dc * previousC * f * (1 - f), dc * i * (1 - g * g),
            dh * tanhC * o * (1 - o)};
        for (int k = 0; k < 4; k++) {
            ds.set(dAt.gates(b, t) + k * units + j, gradients[k]);
            ds.set(dAt.recurrent(t, b) + k * units + j, gradients[k]);
        }
        if (t > 0) {
            ds.set(dAt.cell(t - 1, b) + j, dc * f);
            ds.set(dAt.state(t - 1, b) + j, 0);
        }
    }

    /** A gate's input projection + bias + (from step 1 on) recurrent product. */
    private static double preActivation(Forward step, int gateRow, int b, int column) {
        Elements s = step.s();
        double recurrent = step.t() > 0 ? s.get(step.at().recurrent(step.t(), b) + column) : 0;
        return s.get(gateRow + column) + step.weights().get(step.bias() + column) + recurrent;
    }
}
