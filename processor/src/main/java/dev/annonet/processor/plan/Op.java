package dev.annonet.processor.plan;

import dev.annonet.contract.RecurrentCell;
import java.util.List;

/** One call of the schedule; each mirrors a {@code Backend} method (the writer adds {@code accumulate = false}). */
public sealed interface Op {

    /** {@code c = op(a) · op(b)}, m×n from k. */
    record MatMul(boolean transposeA, boolean transposeB, Extent m, Extent n, Extent k, Operand a, Operand b, Operand c)
            implements Op {
    }

    /** {@code z += bias} (none when {@code bias} is null), then {@code y = f(z)}. */
    record BiasActivation(ActivationFunctionPlan function, Extent rows, int cols, Operand z, Operand bias, Operand y)
            implements Op {
    }

    /** {@code dz = dy ⊙ f'(z)}. */
    record ActivationBackward(ActivationFunctionPlan function, Extent rows, int cols, Operand z, Operand y, Operand dy, Operand dz)
            implements Op {
    }

    /** A bias gradient: the column sums of {@code x}. */
    record ColumnSums(Extent rows, int cols, Operand x, Operand sums) implements Op {
    }

    record Dropout(DropoutPlan dropout, Extent count, Operand x, Operand y) implements Op {
    }

    record DropoutBackward(DropoutPlan dropout, Extent count, Operand dy, Operand dx) implements Op {
    }

    record Copy(Operand source, Operand target, Extent count) implements Op {
    }

    /** How an element-wise merge combines its inputs; the runtime's {@code MergeKind} of the same names. */
    enum MergeKind {
        SUM, PRODUCT, MAXIMUM, MINIMUM
    }

    /**
     * Input {@code input}'s part of an element-wise merge into {@code y}: input 0 starts it, later
     * ones combine; {@code chosen} (MAXIMUM, MINIMUM) records which input each value came from.
     * With {@code activation} (an activated layer's last input), the same pass writes
     * {@code activated = f(y)}; both are null otherwise.
     */
    record Merge(MergeKind kind, int input, double scale, Extent count, Operand x, Operand y, Operand chosen,
                 ActivationFunctionPlan activation, Operand activated) implements Op {

        public Merge(MergeKind kind, int input, double scale, Extent count, Operand x, Operand y, Operand chosen) {
            this(kind, input, scale, count, x, y, chosen, null, null);
        }
    }

    /** The gradient of input {@code input} of a MAXIMUM or MINIMUM merge: dy where it was chosen, else 0. */
    record MergeChosenBackward(int input, Extent count, Operand chosen, Operand dy, Operand dx) implements Op {
    }

    /** {@code cols} values of each of {@code rows} rows: x's from column {@code xColumn} of {@code xWidth} to y's. */
    record CopyColumns(Extent rows, int cols, Operand x, int xWidth, int xColumn, Operand y, int yWidth, int yColumn)
            implements Op {
    }

    /** An op of the windowed layers ({@link ImageOp}). */
    record Image(ImageOp op) implements Op {
    }

    /** Batch normalization over the last axis; {@code statistics} is null at inference, gamma and beta where absent. */
    record BatchNorm(boolean training, Extent rows, int cols, double momentum, double epsilon, Operand x,
                     Operand gamma, Operand beta, Operand movingMean, Operand movingVariance, Operand statistics,
                     Operand y) implements Op {
    }

    record BatchNormBackward(Extent rows, int cols, Operand x, Operand gamma, Operand statistics, Operand dy,
                             Operand dGamma, Operand dBeta, Operand dx) implements Op {
    }

    /** The sequence layers' kernels; {@code batch} and {@code rows} scale with the batch. */
    sealed interface Sequence extends Op {
    }

    /** A recurrent layer of {@code cell} over every step; {@code weights}: kernel, recurrent kernel and bias, contiguous. */
    record Recurrent(RecurrentCell cell, Extent batch, int steps, int inputs, int units, boolean returnSequences,
                     Operand x, Operand weights, Operand workspace, Operand y) implements Sequence {
    }

    /** BPTT; {@code dx} is null when the input needs no gradient. */
    record RecurrentBackward(Recurrent forward, Operand dy, Operand dWeights, Operand dWorkspace, Operand dx)
            implements Sequence {
    }

    /** Row r of y is row indices[r] of the table. */
    record Embedding(Extent rows, int inputDim, int outputDim, Operand indices, Operand table, Operand y)
            implements Sequence {
    }

    /** The table's gradient: zeroed, then dy scattered onto the rows of the indices. */
    record EmbeddingBackward(Embedding forward, Operand dy, Operand dTable) implements Sequence {
    }

    /** Ops that run only when {@code condition} holds, and those that run otherwise. */
    record Branch(Condition condition, List<Op> then, List<Op> otherwise) implements Op {
    }

    /** What a branch tests, from the arguments of {@code forward} and {@code backward}. */
    enum Condition {
        TRAINING,
        /** The loss did not already give the gradient before the output activation. */
        OUTPUT_GRADIENT_NOT_FUSED
    }
}
