package dev.annonet.runtime.backend;

/** The losses a backend computes, with Keras's definitions (reduced over the last axis, summed over rows). */
public enum LossKind {
    /** {@code -Σ t·log p}; targets are one-hot (or probability) rows. */
    CATEGORICAL_CROSSENTROPY,
    /** {@code -log p[t]}; targets are class indices, one per row. */
    SPARSE_CATEGORICAL_CROSSENTROPY,
    /** {@code -mean(t·log p + (1-t)·log(1-p))} over the last axis. */
    BINARY_CROSSENTROPY,
    /** {@code mean((p - t)²)} over the last axis. */
    MEAN_SQUARED_ERROR
}
