package dev.annonet.runtime;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.LossKind;

/**
 * One output's part of a compiled training: its loss and the loss's weight in the total, where its
 * values lie in the activation arenas of training and inference, where its gradient lies in the gradient arena and where its
 * targets lie in the arena's targets (per-sample offsets, times the batch), and how the loss reads them.
 */
final class OutputHead {
    final String name;
    final Loss loss;
    final LossKind kind;
    final float weight;
    /** Whether the loss can work on the activation's input and skip that activation's backward. */
    final boolean fusable;
    final int outputOffset;
    final int preActivationOffset;
    /** The same in the inference arena, where an evaluation runs. */
    final int inferenceOutputOffset;
    final int inferencePreActivationOffset;
    /** Where the loss writes the gradient in the gradient arena: the output's, or its activation's input's when fused. */
    final int outputGradientOffset;
    final int preActivationGradientOffset;
    /** The loss sees the output as rows of its last axis. */
    final int columns;
    final int rowsPerSample;
    final int targetWidth;
    final int targetOffset;
    final String targetMeaning;

    OutputHead(NetworkLayout layout, int index, Loss loss, float weight, int targetOffset) {
        NetworkLayout.Port output = layout.outputs().get(index);
        this.name = output.name();
        this.loss = loss;
        this.kind = loss.kind();
        this.weight = weight;
        this.fusable = fusable(layout.outputActivation(index), kind);
        this.outputOffset = output.offset();
        this.preActivationOffset = layout.outputPreActivationOffset(index);
        this.inferenceOutputOffset = layout.inferenceOutputOffset(index);
        this.inferencePreActivationOffset = layout.inferencePreActivationOffset(index);
        this.outputGradientOffset = layout.gradientOutputOffset(index);
        this.preActivationGradientOffset = layout.gradientPreActivationOffset(index);
        this.columns = output.shape()[output.shape().length - 1];
        this.rowsPerSample = output.size() / columns;
        this.targetOffset = targetOffset;
        String outputName = "output '" + output.name() + "' of shape " + Summary.batchShape(output.shape());
        if (kind == LossKind.SPARSE_CATEGORICAL_CROSSENTROPY) {
            this.targetWidth = rowsPerSample;
            this.targetMeaning = "one class index per row of " + outputName + " for " + loss.name();
        } else {
            this.targetWidth = output.size();
            this.targetMeaning = (kind == LossKind.CATEGORICAL_CROSSENTROPY ? "one-hot rows (Labels.oneHot) for " : "")
                    + outputName + " with " + loss.name();
        }
    }

    /** Softmax + categorical cross-entropy and sigmoid + binary cross-entropy have a simple joint gradient. */
    private static boolean fusable(Activation.Kind activation, LossKind loss) {
        return switch (loss) {
            case CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY -> activation == Activation.Kind.SOFTMAX;
            case BINARY_CROSSENTROPY -> activation == Activation.Kind.SIGMOID;
            case MEAN_SQUARED_ERROR -> false;
        };
    }

    /** Checks targets {@code y} (named {@code what}) for {@code samples} samples. */
    void requireTargets(String what, Tensor y, int samples) {
        DataChecks.requireTargets(what, y, samples, targetWidth, targetMeaning);
        DataChecks.requireFinite(what, y);
        if (kind == LossKind.SPARSE_CATEGORICAL_CROSSENTROPY) {
            DataChecks.requireClassIndices(what, y, columns);
        }
    }
}
