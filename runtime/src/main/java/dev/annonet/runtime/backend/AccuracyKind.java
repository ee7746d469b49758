package dev.annonet.runtime.backend;

/** Keras's accuracies; {@code accuracy} picks one from the loss and output shape. */
public enum AccuracyKind {
    /** argmax(output) == argmax(target), one count per row. */
    CATEGORICAL,
    /** argmax(output) == target index, one count per row. */
    SPARSE_CATEGORICAL,
    /** (output > 0.5) == (target > 0.5), one count per element. */
    BINARY
}
