package dev.annonet.runtime.backend;

/**
 * What {@link Backend#countMetric} counts over a batch's output rows: whole counts, which the
 * trainer sums over an epoch and from which a metric computes its value as Keras does (precision
 * is TP / (TP + FP) over every sample so far, not a mean of batch values). Targets are one class
 * index per row when {@code sparseTargets}, else a row of values like the output's; a class index
 * counts as its one-hot row.
 *
 * @param kind what is counted, and so the counts' layout ({@link #counters()})
 * @param k {@link Kind#TOP_K}: how many of the largest outputs count; {@link Kind#CONFUSION}: only
 *          each row's k largest outputs may be positive (Keras's {@code top_k}), 0 for all
 * @param threshold {@link Kind#CONFUSION}: an output above it is a positive prediction
 * @param classId {@link Kind#CONFUSION}: the one column counted (Keras's {@code class_id}), -1 for all
 * @param thresholds {@link Kind#THRESHOLD_BUCKETS}: Keras's {@code num_thresholds}
 */
public record MetricCounter(Kind kind, boolean sparseTargets, int k, float threshold, int classId, int thresholds) {

    /** Keras's stand-in threshold when only the top k decide (metrics_utils.NEG_INF). */
    public static final float BELOW_EVERY_OUTPUT = -1e10f;

    /** Where {@link Kind#CONFUSION}'s counts are. */
    public static final int TRUE_POSITIVES = 0;
    public static final int FALSE_POSITIVES = 1;
    public static final int TRUE_NEGATIVES = 2;
    public static final int FALSE_NEGATIVES = 3;

    /** What is counted; the CUDA kernel takes its {@link NativeCodes#metricCounter} code. */
    public enum Kind {
        /**
         * Counts {rows whose target class is among the k largest outputs, rows}. Ties count in the
         * target's favour, as Keras's {@code in_top_k}: it is in when fewer than k outputs exceed
         * its own (a NaN there exceeds nothing and is exceeded by every number).
         */
        TOP_K,
        /**
         * Counts {TP, FP, TN, FN} over every output value (or column {@code classId}'s): the target
         * is true when nonzero, the prediction positive when the value is above the threshold and,
         * with {@code k > 0}, among its row's k largest (ties: the lower column first).
         */
        CONFUSION,
        /**
         * Keras's AUC accumulation over {@code thresholds} evenly spaced thresholds
         * {-ε, 1/(n-1), ..., (n-2)/(n-1), 1+ε}: each value, clipped to [0, 1], falls in bucket
         * {@code max(0, ceil(value·(n-1)) - 1)} (float arithmetic, as Keras's float32), counted as
         * {positives in bucket 0 .. n-1, negatives in bucket 0 .. n-1}. The true positives at
         * threshold i are the positives of buckets i and above. (A NaN value falls in bucket 0.)
         */
        THRESHOLD_BUCKETS
    }

    public MetricCounter {
        if (kind == null) {
            throw new NullPointerException("kind");
        }
        if (kind == Kind.TOP_K && k < 1) {
            throw new IllegalArgumentException("top k needs k of at least 1, was " + k);
        }
        if (kind == Kind.CONFUSION && (k < 0 || classId < -1)) {
            throw new IllegalArgumentException("confusion counts need k >= 0 and classId >= -1, were " + k + " and " + classId);
        }
        if (kind == Kind.THRESHOLD_BUCKETS && thresholds < 2) {
            throw new IllegalArgumentException("threshold buckets need at least 2 thresholds, was " + thresholds);
        }
    }

    public static MetricCounter topK(int k, boolean sparseTargets) {
        return new MetricCounter(Kind.TOP_K, sparseTargets, k, 0, -1, 0);
    }

    public static MetricCounter confusion(float threshold, int topK, int classId, boolean sparseTargets) {
        return new MetricCounter(Kind.CONFUSION, sparseTargets, topK, threshold, classId, 0);
    }

    public static MetricCounter thresholdBuckets(int thresholds, boolean sparseTargets) {
        return new MetricCounter(Kind.THRESHOLD_BUCKETS, sparseTargets, 0, 0, -1, thresholds);
    }

    /** How many counts a call writes. */
    public int counters() {
        return switch (kind) {
            case TOP_K -> 2;
            case CONFUSION -> 4;
            case THRESHOLD_BUCKETS -> 2 * thresholds;
        };
    }

    /** Target values a row: 1 (a class index) or the output's columns. */
    public int targetWidth(int cols) {
        return sparseTargets ? 1 : cols;
    }
}
