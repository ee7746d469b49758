package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;

/**
 * {@link SequenceCells} in double precision over {@link Elements}, the reference backend's: the
 * frame every cell shares (the memories, the regions of its {@link SequenceLayout}, the loops over
 * rows and units, h into the states and y, and h's gradient at a step), the cell writing the
 * arithmetic of one unit.
 */
abstract class ElementCells implements SequenceCells {
    private final ElementsBackend backend;
    private final RecurrentCell cell;

    ElementCells(ElementsBackend backend, RecurrentCell cell) {
        this.backend = backend;
        this.cell = cell;
    }

    /** What a step's forward reads and writes: the weights with the bias's offset, the workspace and its regions. */
    protected record Forward(Elements weights, int bias, Elements s, SequenceLayout at, int t) {
    }

    /** What a step's backward reads and writes: the workspace, dWorkspace, and their regions. */
    protected record Backward(Elements s, Elements ds, SequenceLayout at, SequenceLayout dAt, int t) {
    }

    /** Unit j of row b at the step: the gates and cell state into the workspace; returns h. */
    protected abstract double forwardUnit(Forward step, int b, int j);

    /** Unit j of row b at the step backward, h's gradient there being {@code dh}: the gradients {@link #backward} writes. */
    protected abstract void backwardUnit(Backward step, int b, int j, double dh);

    @Override
    public final void forward(int batch, int steps, int units, int t, boolean returnSequences, Memory weights, int bias,
                              Memory workspace, int workspaceOffset, Memory y, int yOffset) {
        SequenceLayout at = new SequenceLayout(cell, batch, steps, units, workspaceOffset);
        Forward step = new Forward(backend.elements(weights), bias, backend.elements(workspace), at, t);
        Elements out = backend.elements(y);
        boolean outputAtStep = returnSequences || t == steps - 1;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < units; j++) {
                double h = forwardUnit(step, b, j);
                step.s().set(at.state(t, b) + j, h);
                if (outputAtStep) {
                    out.set(SequenceLayout.output(steps, units, t, b, returnSequences, yOffset) + j, h);
                }
            }
        }
    }

    /** h's gradient at step t is dy's there (where an output is taken) plus, below the last step, what step t + 1 carried. */
    @Override
    public final void backward(int batch, int steps, int units, int t, boolean returnSequences, Memory workspace,
                               int workspaceOffset, Memory dy, int dyOffset, Memory dWorkspace, int dWorkspaceOffset) {
        SequenceLayout dAt = new SequenceLayout(cell, batch, steps, units, dWorkspaceOffset);
        Backward step = new Backward(backend.elements(workspace), backend.elements(dWorkspace),
                new SequenceLayout(cell, batch, steps, units, workspaceOffset), dAt, t);
        Elements up = backend.elements(dy);
        boolean last = t == steps - 1;
        boolean outputAtStep = returnSequences || last;
        for (int b = 0; b < batch; b++) {
            int output = SequenceLayout.output(steps, units, t, b, returnSequences, dyOffset);
            for (int j = 0; j < units; j++) {
                double dh = (outputAtStep ? up.get(output + j) : 0) + (last ? 0 : step.ds().get(dAt.state(t, b) + j));
                backwardUnit(step, b, j, dh);
            }
        }
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
