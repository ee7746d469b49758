package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;

/**
 * Where a recurrent layer's values lie in its workspace, the regions {@link RecurrentCell} documents,
 * as indices from the start of the memory ({@code offset} being the workspace's); the same regions
 * hold the gradients in the backward's workspace. sequence_layout.cuh is the native side's twin.
 */
public record SequenceLayout(RecurrentCell cell, int batch, int steps, int units, int offset) {

    /** Values of one row of gates or of one recurrent product: gates · units. */
    public int width() {
        return cell.gates() * units;
    }

    /** Row b's gates at step t (batch, steps, width): the input projection, then the cell's gates. */
    public int gates(int b, int t) {
        return offset + (b * steps + t) * width();
    }

    /** Row b's carried cell state at step t, {@code cellStates · units} values. */
    public int cell(int t, int b) {
        return offset + batch * steps * width() + (t * batch + b) * cell.cellStates() * units;
    }

    /** Row b's hidden state h at step t; the states of a step are one contiguous (batch, u) block. */
    public int state(int t, int b) {
        return offset + batch * steps * (width() + cell.cellStates() * units) + (t * batch + b) * units;
    }

    /** Row b's recurrent product of step t; a step's rows are one contiguous (batch, width) block. */
    public int recurrent(int t, int b) {
        int step = cell.keepsEveryRecurrentProduct() ? t : 0;
        return offset + batch * steps * (width() + (cell.cellStates() + 1) * units) + (step * batch + b) * width();
    }

    /** Where h of step t goes in y: (batch, steps, u) with returnSequences, else (batch, u) at the last step. */
    public static int output(int steps, int units, int t, int b, boolean returnSequences, int yOffset) {
        return returnSequences ? yOffset + (b * steps + t) * units : yOffset + b * units;
    }
}
