package dev.annonet.runtime.backend;

/**
 * One recurrent cell's element-wise arithmetic of a step, between the GEMMs of
 * {@link SequenceKernels}: the part of a recurrent layer that is the cell's own. Regions are those
 * of its {@link SequenceLayout} in the workspace from {@code workspaceOffset}.
 */
public interface SequenceCells {

    /**
     * Step {@code t}: the gates from the input projection (in the gates region), the bias and, from
     * step 1 on, the recurrent product (in the recurrent region); then the cell's gates and states
     * in their regions, and h into y.
     */
    void forward(int batch, int steps, int units, int t, boolean returnSequences, Memory weights, int biasOffset,
                 Memory workspace, int workspaceOffset, Memory y, int yOffset);

    /**
     * Step {@code t} backward into {@code dWorkspace}: the gradients of the input projection (gates
     * region) and of the step's recurrent product (its recurrent region), the cell state's gradient
     * carried to step t - 1, and the part of h(t - 1)'s gradient that does not pass through the
     * recurrent product (written; the recurrent GEMM adds the rest). Reads dy at step t and, below
     * the last step, the gradients step t + 1 carried.
     */
    void backward(int batch, int steps, int units, int t, boolean returnSequences, Memory workspace,
                  int workspaceOffset, Memory dy, int dyOffset, Memory dWorkspace, int dWorkspaceOffset);
}
