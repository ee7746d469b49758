package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;

/**
 * {@link SequenceCells} of Keras's GRU ({@code reset_after = true}) in double precision over
 * {@link Elements}: the reference backend's. Gates z, r, h̃; h' is h of step t - 1 (zero at step 0):
 * <pre>
 *   z = σ(x·W_z + b_z + h'·U_z + β_z)      r = σ(x·W_r + b_r + h'·U_r + β_r)
 *   h̃ = tanh(x·W_h + b_h + r ⊙ (h'·U_h + β_h))      h = z ⊙ h' + (1 − z) ⊙ h̃
 * </pre>
 * b is the input bias (the first bias row), β the recurrent bias (the second).
 */
final class ElementGruCells implements SequenceCells {
    private final ElementsBackend backend;

    ElementGruCells(ElementsBackend backend) {
        this.backend = backend;
    }

    @Override
    public void forward(int batch, int steps, int units, int t, boolean returnSequences, Memory weights, int bias,
                        Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        Elements w = backend.elements(weights);
        Elements s = backend.elements(workspace);
        Elements out = backend.elements(y);
        SequenceLayout at = new SequenceLayout(RecurrentCell.GRU, batch, steps, units, workspaceOffset);
        int recurrentBias = bias + at.width();
        for (int b = 0; b < batch; b++) {
            int gateRow = at.gates(b, t);
            int recurrentRow = at.recurrent(t, b);
            int output = SequenceLayout.output(steps, units, t, b, returnSequences, yOffset);
            for (int j = 0; j < units; j++) {
                // the recurrent product plus its bias, kept: the backward multiplies its h̃ part by r's gradient
                for (int g = 0; g < 3; g++) {
                    int column = g * units + j;
                    double product = t > 0 ? s.get(recurrentRow + column) : 0;
                    s.set(recurrentRow + column, product + w.get(recurrentBias + column));
                }
                double z = ElementLstmCells.sigmoid(s.get(gateRow + j) + w.get(bias + j) + s.get(recurrentRow + j));
                double r = ElementLstmCells.sigmoid(s.get(gateRow + units + j) + w.get(bias + units + j)
                        + s.get(recurrentRow + units + j));
                double candidate = Math.tanh(s.get(gateRow + 2 * units + j) + w.get(bias + 2 * units + j)
                        + r * s.get(recurrentRow + 2 * units + j));
                double previous = t > 0 ? s.get(at.state(t - 1, b) + j) : 0;
                double h = z * previous + (1 - z) * candidate;
                s.set(gateRow + j, z);
                s.set(gateRow + units + j, r);
                s.set(gateRow + 2 * units + j, candidate);
                s.set(at.state(t, b) + j, h);
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
        SequenceLayout at = new SequenceLayout(RecurrentCell.GRU, batch, steps, units, workspaceOffset);
        SequenceLayout dAt = new SequenceLayout(RecurrentCell.GRU, batch, steps, units, dWorkspaceOffset);
        boolean last = t == steps - 1;
        boolean outputAtStep = returnSequences || last;
        for (int b = 0; b < batch; b++) {
            int gateRow = at.gates(b, t);
            int recurrentRow = at.recurrent(t, b);
            int dGateRow = dAt.gates(b, t);
            int dRecurrentRow = dAt.recurrent(t, b);
            int output = SequenceLayout.output(steps, units, t, b, returnSequences, dyOffset);
            for (int j = 0; j < units; j++) {
                double z = s.get(gateRow + j);
                double r = s.get(gateRow + units + j);
                double candidate = s.get(gateRow + 2 * units + j);
                double previous = t > 0 ? s.get(at.state(t - 1, b) + j) : 0;
                double dh = (outputAtStep ? up.get(output + j) : 0) + (last ? 0 : ds.get(dAt.state(t, b) + j));
                double dz = dh * (previous - candidate) * z * (1 - z);
                double dCandidate = dh * (1 - z) * (1 - candidate * candidate);
                double dr = dCandidate * s.get(recurrentRow + 2 * units + j) * r * (1 - r);
                ds.set(dGateRow + j, dz);
                ds.set(dGateRow + units + j, dr);
                ds.set(dGateRow + 2 * units + j, dCandidate);
                ds.set(dRecurrentRow + j, dz);
                ds.set(dRecurrentRow + units + j, dr);
                ds.set(dRecurrentRow + 2 * units + j, dCandidate * r);
                if (t > 0) {
                    ds.set(dAt.state(t - 1, b) + j, dh * z);
                }
            }
        }
    }
}
