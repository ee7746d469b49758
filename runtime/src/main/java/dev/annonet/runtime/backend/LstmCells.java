package dev.annonet.runtime.backend;

/**
 * One LSTM step's element-wise arithmetic, between the GEMMs of {@link RecurrentKernels}: the
 * part of an LSTM a fast backend specializes. Regions are those of {@link Backend#lstm}'s workspace,
 * found from its offset with the static methods here.
 */
public interface LstmCells {

    /**
     * Step {@code t}: gates from the input projection (in the gates region), the bias and, from step
     * 1 on, the recurrent product (in the scratch); then the activated gates, c and h, and h into y.
     */
    void forward(int batch, int steps, int units, int t, boolean returnSequences, Memory weights, int biasOffset,
                 Memory workspace, int workspaceOffset, Memory y, int yOffset);

    /**
     * Step {@code t} backward: the gate gradients into the all-steps region and the step's scratch of
     * {@code dWorkspace}, and the cell gradient carried to step t - 1. Reads dy at step t and, below
     * the last step, the state and cell gradients step t + 1 carried.
     */
    void backward(int batch, int steps, int units, int t, boolean returnSequences, Memory workspace,
                  int workspaceOffset, Memory dy, int dyOffset, Memory dWorkspace, int dWorkspaceOffset);

    /** The cells region (steps, batch, u), after the gates (batch, steps, 4u). */
    static int cells(int batch, int steps, int units, int workspaceOffset) {
        return workspaceOffset + batch * steps * 4 * units;
    }

    /** The hidden states region (steps, batch, u). */
    static int states(int batch, int steps, int units, int workspaceOffset) {
        return cells(batch, steps, units, workspaceOffset) + steps * batch * units;
    }

    /** One step's (batch, 4u) scratch. */
    static int scratch(int batch, int steps, int units, int workspaceOffset) {
        return states(batch, steps, units, workspaceOffset) + steps * batch * units;
    }

    /** Where h of step t goes in y: (batch, steps, u) with returnSequences, else (batch, u) at the last step. */
    static int output(int batch, int steps, int units, int t, int b, boolean returnSequences, int yOffset) {
        return returnSequences ? yOffset + (b * steps + t) * units : yOffset + b * units;
    }
}
