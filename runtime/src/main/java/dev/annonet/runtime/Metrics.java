package dev.annonet.runtime;

/**
 * Keras's metrics, named as Keras names them in History and logs ({@code val_} before the
 * validation values). Each is summed over the batches of an epoch as Keras accumulates it, so the
 * value after a batch is over every sample so far. Options are the {@code with...} methods of
 * {@link Metric}: {@code Metrics.precision().withClassId(3).named("precision_3")}.
 */
public final class Metrics {
    /** Keras's default k of the top-k accuracies. */
    public static final int DEFAULT_K = 5;

    private Metrics() {
    }

    /** The fraction of correct predictions; which accuracy is picked at compile from the loss. */
    public static Metric accuracy() {
        return Metric.of("accuracy", Metric.Kind.ACCURACY, 0);
    }

    /** How often the one-hot target's class is among the 5 largest outputs (ties count as in). */
    public static Metric topKCategoricalAccuracy() {
        return topKCategoricalAccuracy(DEFAULT_K);
    }

    /** How often the one-hot target's class is among the {@code k} largest outputs (ties count as in). */
    public static Metric topKCategoricalAccuracy(int k) {
        return Metric.of("top_k_categorical_accuracy", Metric.Kind.TOP_K_CATEGORICAL_ACCURACY, requireK(k));
    }

    /** How often the target class index is among the 5 largest outputs: with sparseCategoricalCrossentropy. */
    public static Metric sparseTopKCategoricalAccuracy() {
        return sparseTopKCategoricalAccuracy(DEFAULT_K);
    }

    /** How often the target class index is among the {@code k} largest outputs. */
    public static Metric sparseTopKCategoricalAccuracy(int k) {
        return Metric.of("sparse_top_k_categorical_accuracy", Metric.Kind.SPARSE_TOP_K_CATEGORICAL_ACCURACY, requireK(k));
    }

    /**
     * TP / (TP + FP) over every output value, a value above 0.5 predicting its class and a nonzero
     * target being true (0 before any positive prediction); options: threshold, top k, class id.
     */
    public static Metric precision() {
        return Metric.of("precision", Metric.Kind.PRECISION, 0);
    }

    /** TP / (TP + FN), counted as {@link #precision()} counts (0 before any true target). */
    public static Metric recall() {
        return Metric.of("recall", Metric.Kind.RECALL, 0);
    }

    /**
     * The area under the ROC curve, approximated as Keras does from the confusion counts at 200
     * thresholds evenly spaced over [0, 1], every output value a prediction of its own; options:
     * the number of thresholds, the PR curve, the summation method.
     */
    public static Metric auc() {
        return Metric.of("auc", Metric.Kind.AUC, 0);
    }

    private static int requireK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        return k;
    }
}
