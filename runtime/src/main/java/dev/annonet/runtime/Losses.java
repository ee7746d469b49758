package dev.annonet.runtime;

import dev.annonet.runtime.backend.LossKind;

/** Keras's losses. Probabilities are expected (from_logits = False), as in the course. */
public final class Losses {
    private Losses() {
    }

    /** Targets are one-hot rows ({@link Labels#oneHot}). */
    public static Loss categoricalCrossentropy() {
        return new Loss("categorical_crossentropy", LossKind.CATEGORICAL_CROSSENTROPY);
    }

    /** Targets are class indices, one per output row ({@link Labels#sparse}). */
    public static Loss sparseCategoricalCrossentropy() {
        return new Loss("sparse_categorical_crossentropy", LossKind.SPARSE_CATEGORICAL_CROSSENTROPY);
    }

    /** Targets are 0 or 1 (or probabilities) per output value. */
    public static Loss binaryCrossentropy() {
        return new Loss("binary_crossentropy", LossKind.BINARY_CROSSENTROPY);
    }

    public static Loss meanSquaredError() {
        return new Loss("mean_squared_error", LossKind.MEAN_SQUARED_ERROR);
    }
}
