package dev.annonet.runtime.callbacks;

import java.util.Objects;

/** The quantity a callback watches in the epoch's logs, and when it counts as better. */
final class Monitor {
    private final String callback;
    private final String name;
    private final boolean rising;
    private final double minDelta;

    Monitor(String callback, String name, Mode mode, double minDelta) {
        this.callback = callback;
        this.name = Objects.requireNonNull(name, "monitor");
        Objects.requireNonNull(mode, "mode");
        if (!(minDelta >= 0 && Double.isFinite(minDelta))) {
            throw new IllegalArgumentException(callback + ": minDelta must be 0 or more and finite, was " + minDelta);
        }
        this.rising = mode == Mode.MAX || (mode == Mode.AUTO && risesByName(name));
        this.minDelta = minDelta;
    }

    /**
     * Whether a quantity of this name improves as it rises: Keras's metrics whose direction is up
     * (the accuracies, AUC, precision and recall), as Keras 3 reads it from the metric itself.
     */
    private static boolean risesByName(String name) {
        String metric = name.startsWith("val_") ? name.substring(4) : name;
        return metric.contains("acc") || metric.contains("auc") || metric.contains("precision") || metric.contains("recall");
    }

    String name() {
        return name;
    }

    /**
     * The monitored value in {@code logs}. Keras only warns when it is missing; here training stops
     * at the first epoch's end with the names the logs do hold, so a typo cannot silently disable
     * early stopping or checkpoints for a whole run.
     */
    double value(Logs logs) {
        if (!logs.has(name)) {
            throw new IllegalArgumentException(callback + " monitors '" + name + "', which the logs do not hold; they hold "
                    + logs.names() + (name.startsWith("val_") ? " (val_* values need Fit.validationData)" : ""));
        }
        return logs.get(name);
    }

    /** Whether {@code current} is better than {@code reference} by more than minDelta; never for NaN. */
    boolean improves(double current, double reference) {
        return rising ? current - minDelta > reference : current + minDelta < reference;
    }

    /** Worse than any value: where the best starts. */
    double worst() {
        return rising ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
}
