package dev.annonet.runtime.callbacks;

/** Whether a monitored quantity improves as it falls or as it rises (Keras's {@code mode}). */
public enum Mode {
    /** Rises for accuracies ({@code acc} in the name, as Keras decides), else falls. */
    AUTO,
    MIN,
    MAX
}
