package dev.annonet.runtime.backend;

/** {@link LstmCells} in double precision over {@link Elements}: the reference backend's, written as Keras's formulas. */
final class ElementLstmCells implements LstmCells {
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
        int width = 4 * units;
        int cells = LstmCells.cells(batch, steps, units, workspaceOffset);
        int states = LstmCells.states(batch, steps, units, workspaceOffset);
        int scratch = LstmCells.scratch(batch, steps, units, workspaceOffset);
        for (int b = 0; b < batch; b++) {
            int gateRow = workspaceOffset + (b * steps + t) * width;
            int scratchRow = t > 0 ? scratch + b * width : -1;
            int cell = cells + (t * batch + b) * units;
            int state = states + (t * batch + b) * units;
            int output = LstmCells.output(batch, steps, units, t, b, returnSequences, yOffset);
            for (int j = 0; j < units; j++) {
                double i = sigmoid(preActivation(s, w, gateRow, bias, scratchRow, j));
                double f = sigmoid(preActivation(s, w, gateRow, bias, scratchRow, units + j));
                double g = Math.tanh(preActivation(s, w, gateRow, bias, scratchRow, 2 * units + j));
                double o = sigmoid(preActivation(s, w, gateRow, bias, scratchRow, 3 * units + j));
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

    @Override
    public void backward(int batch, int steps, int units, int t, boolean returnSequences, Memory workspace,
                         int workspaceOffset, Memory dy, int dyOffset, Memory dWorkspace, int dWorkspaceOffset) {
        Elements s = backend.elements(workspace);
        Elements ds = backend.elements(dWorkspace);
        Elements up = backend.elements(dy);
        int width = 4 * units;
        int cells = LstmCells.cells(batch, steps, units, workspaceOffset);
        int dCells = LstmCells.cells(batch, steps, units, dWorkspaceOffset);
        int dStates = LstmCells.states(batch, steps, units, dWorkspaceOffset);
        int dStep = LstmCells.scratch(batch, steps, units, dWorkspaceOffset);
        boolean last = t == steps - 1;
        boolean outputAtStep = returnSequences || last;
        for (int b = 0; b < batch; b++) {
            int gateRow = workspaceOffset + (b * steps + t) * width;
            int dGateRow = dWorkspaceOffset + (b * steps + t) * width;
            int dStepRow = dStep + b * width;
            int cell = cells + (t * batch + b) * units;
            int dCell = dCells + (t * batch + b) * units;
            int dState = dStates + (t * batch + b) * units;
            int output = LstmCells.output(batch, steps, units, t, b, returnSequences, dyOffset);
            for (int j = 0; j < units; j++) {
                double i = s.get(gateRow + j);
                double f = s.get(gateRow + units + j);
                double g = s.get(gateRow + 2 * units + j);
                double o = s.get(gateRow + 3 * units + j);
                double tanhC = Math.tanh(s.get(cell + j));
                double dh = (outputAtStep ? up.get(output + j) : 0) + (last ? 0 : ds.get(dState + j));
                double dc = dh * o * (1 - tanhC * tanhC) + (last ? 0 : ds.get(dCell + j));
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
}
