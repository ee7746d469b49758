package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;

/** {@link SequenceCells} of an LSTM in double precision over {@link Elements}: the reference backend's, written as Keras's formulas. */
final class ElementLstmCells implements SequenceCells {
    private final ElementsBackend backend;

    ElementLstmCells(ElementsBackend backend) {
        this.backend = backend;
    }

    @Override
    public void forward(int batch, int steps, int units, int t, boolean returnSequences, Memory weights, int bias,
                        Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        Elements w = backend.elements(weights);
        Elements s = backend.elements(workspace);
        Elements out = backend.elements(y);
        SequenceLayout at = new SequenceLayout(RecurrentCell.LSTM, batch, steps, units, workspaceOffset);
        for (int b = 0; b < batch; b++) {
            int gateRow = at.gates(b, t);
            int recurrentRow = t > 0 ? at.recurrent(t, b) : -1;
            int cell = at.cell(t, b);
            int state = at.state(t, b);
            int output = SequenceLayout.output(steps, units, t, b, returnSequences, yOffset);
            for (int j = 0; j < units; j++) {
                double i = sigmoid(preActivation(s, w, gateRow, bias, recurrentRow, j));
                double f = sigmoid(preActivation(s, w, gateRow, bias, recurrentRow, units + j));
                double g = Math.tanh(preActivation(s, w, gateRow, bias, recurrentRow, 2 * units + j));
                double o = sigmoid(preActivation(s, w, gateRow, bias, recurrentRow, 3 * units + j));
                double c = i * g + (t > 0 ? f * s.get(at.cell(t - 1, b) + j) : 0);
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

    @Override
    public void backward(int batch, int steps, int units, int t, boolean returnSequences, Memory workspace,
                         int workspaceOffset, Memory dy, int dyOffset, Memory dWorkspace, int dWorkspaceOffset) {
        Elements s = backend.elements(workspace);
        Elements ds = backend.elements(dWorkspace);
        Elements up = backend.elements(dy);
        SequenceLayout at = new SequenceLayout(RecurrentCell.LSTM, batch, steps, units, workspaceOffset);
        SequenceLayout dAt = new SequenceLayout(RecurrentCell.LSTM, batch, steps, units, dWorkspaceOffset);
        boolean last = t == steps - 1;
        boolean outputAtStep = returnSequences || last;
        for (int b = 0; b < batch; b++) {
            int gateRow = at.gates(b, t);
            int dGateRow = dAt.gates(b, t);
            int dRecurrentRow = dAt.recurrent(t, b);
            int cell = at.cell(t, b);
            int dCell = dAt.cell(t, b);
            int dState = dAt.state(t, b);
            int output = SequenceLayout.output(steps, units, t, b, returnSequences, dyOffset);
            for (int j = 0; j < units; j++) {
                double i = s.get(gateRow + j);
                double f = s.get(gateRow + units + j);
                double g = s.get(gateRow + 2 * units + j);
                double o = s.get(gateRow + 3 * units + j);
                double tanhC = Math.tanh(s.get(cell + j));
                double dh = (outputAtStep ? up.get(output + j) : 0) + (last ? 0 : ds.get(dState + j));
                double dc = dh * o * (1 - tanhC * tanhC) + (last ? 0 : ds.get(dCell + j));
                double previousC = t > 0 ? s.get(at.cell(t - 1, b) + j) : 0;
                setTwice(ds, dGateRow, dRecurrentRow, j, dc * g * i * (1 - i));
                setTwice(ds, dGateRow, dRecurrentRow, units + j, dc * previousC * f * (1 - f));
                setTwice(ds, dGateRow, dRecurrentRow, 2 * units + j, dc * i * (1 - g * g));
                setTwice(ds, dGateRow, dRecurrentRow, 3 * units + j, dh * tanhC * o * (1 - o));
                if (t > 0) {
                    ds.set(dAt.cell(t - 1, b) + j, dc * f);
                    // h(t - 1) reaches step t through the recurrent product alone: its GEMM adds all of it
                    ds.set(dAt.state(t - 1, b) + j, 0);
                }
            }
        }
    }

    /** A gate's input projection + bias + (from step 1 on, when {@code recurrentRow} ≥ 0) recurrent product. */
    private static double preActivation(Elements s, Elements w, int gateRow, int bias, int recurrentRow, int column) {
        return s.get(gateRow + column) + w.get(bias + column) + (recurrentRow >= 0 ? s.get(recurrentRow + column) : 0);
    }

    /** A gate gradient into the input projection's rows and into the step's recurrent product's: equal in an LSTM. */
    private static void setTwice(Elements ds, int inputSide, int recurrentSide, int column, double value) {
        ds.set(inputSide + column, value);
        ds.set(recurrentSide + column, value);
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
