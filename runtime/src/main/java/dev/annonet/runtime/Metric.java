package dev.annonet.runtime;

import dev.annonet.runtime.backend.AccuracyKind;
import dev.annonet.runtime.backend.LossKind;

/** A metric a model reports while training and evaluating; made by {@link Metrics}. */
public final class Metric {
    private final String name;

    Metric(String name) {
        this.name = name;
    }

    /** The name in logs, {@link History} and {@link Evaluation}. */
    public String name() {
        return name;
    }

    /**
     * Which accuracy {@code accuracy} means, decided as Keras does from the loss and, for mean
     * squared error, from the width of the output's last axis.
     */
    AccuracyKind accuracyFor(LossKind loss, int outputColumns) {
        return switch (loss) {
            case CATEGORICAL_CROSSENTROPY -> AccuracyKind.CATEGORICAL;
            case SPARSE_CATEGORICAL_CROSSENTROPY -> AccuracyKind.SPARSE_CATEGORICAL;
            case BINARY_CROSSENTROPY -> AccuracyKind.BINARY;
            case MEAN_SQUARED_ERROR -> outputColumns == 1 ? AccuracyKind.BINARY : AccuracyKind.CATEGORICAL;
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
