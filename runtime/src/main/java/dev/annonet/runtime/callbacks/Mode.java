package dev.annonet.runtime.callbacks;

/** Whether a monitored quantity improves as it falls or as it rises (Keras's {@code mode}). */
public enum Mode {
    /**
     * Rises for the metrics that improve upward (a name holding {@code acc}, {@code auc},
     * {@code precision} or {@code recall}, as Keras's accuracies, AUC, precision and recall do),
     * else falls, as a loss does. A metric renamed with {@code Metric.named} needs MIN or MAX.
     */
    AUTO,
    MIN,
    MAX
}
