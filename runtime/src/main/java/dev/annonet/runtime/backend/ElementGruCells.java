package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;

/**
 * Keras's GRU ({@code reset_after = true}) in double precision. Gates z, r, h̃; h' is h of step
 * t - 1 (zero at step 0):
 * <pre>
 *   z = σ(x·W_z + b_z + h'·U_z + β_z)      r = σ(x·W_r + b_r + h'·U_r + β_r)
 *   h̃ = tanh(x·W_h + b_h + r ⊙ (h'·U_h + β_h))      h = z ⊙ h' + (1 − z) ⊙ h̃
 * </pre>
 * b is the input bias (the first bias row), β the recurrent bias (the second).
 */
final class ElementGruCells extends ElementCells {

    ElementGruCells(ElementsBackend backend) {
        super(backend, RecurrentCell.GRU);
    }

    /** z, r, h̃ in place of the input projection; the recurrent product plus its bias kept: the backward reads its h̃ part. */
    @Override
    protected double forwardUnit(Forward step, int b, int j) {
        Elements s = step.s();
        Elements w = step.weights();
        SequenceLayout at = step.at();
        int t = step.t();
        int units = at.units();
        int gateRow = at.gates(b, t);
        int recurrentRow = at.recurrent(t, b);
        int bias = step.bias();
        for (int g = 0; g < 3; g++) {
            int column = g * units + j;
            double product = t > 0 ? s.get(recurrentRow + column) : 0;
            s.set(recurrentRow + column, product + w.get(bias + at.width() + column));
        }
        double z = sigmoid(s.get(gateRow + j) + w.get(bias + j) + s.get(recurrentRow + j));
        double r = sigmoid(s.get(gateRow + units + j) + w.get(bias + units + j) + s.get(recurrentRow + units + j));
        double candidate = Math.tanh(s.get(gateRow + 2 * units + j) + w.get(bias + 2 * units + j)
                + r * s.get(recurrentRow + 2 * units + j));
        double previous = t > 0 ? s.get(at.state(t - 1, b) + j) : 0;
        s.set(gateRow + j, z);
        s.set(gateRow + units + j, r);
        s.set(gateRow + 2 * units + j, candidate);
        return z * previous + (1 - z) * candidate;
    }

    /**
     * The pre-activations' gradients on the input side into the gates rows, on the recurrent side
     * (the h̃ part times r) into the step's recurrent rows, and h(t - 1)'s direct gradient, dh ⊙ z.
     */
    @Override
    protected void backwardUnit(Backward step, int b, int j, double dh) {
        Elements s = step.s();
        Elements ds = step.ds();
        SequenceLayout at = step.at();
        SequenceLayout dAt = step.dAt();
        int t = step.t();
        int units = at.units();
        int gateRow = at.gates(b, t);
        double z = s.get(gateRow + j);
        double r = s.get(gateRow + units + j);
        double candidate = s.get(gateRow + 2 * units + j);
        double previous = t > 0 ? s.get(at.state(t - 1, b) + j) : 0;
        double dz = dh * (previous - candidate) * z * (1 - z);
        double dCandidate = dh * (1 - z) * (1 - candidate * candidate);
        double dr = dCandidate * s.get(at.recurrent(t, b) + 2 * units + j) * r * (1 - r);
        int dGateRow = dAt.gates(b, t);
        int dRecurrentRow = dAt.recurrent(t, b);
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
