package dev.annonet.runtime;

/** Keras's metrics. */
public final class Metrics {
    private Metrics() {
    }

    /** The fraction of correct predictions; which accuracy is picked at compile from the loss. */
    public static Metric accuracy() {
        return new Metric("accuracy");
    }
}
