package dev.annonet.runtime;

import dev.annonet.runtime.backend.AccuracyKind;
import dev.annonet.runtime.backend.LossKind;
import dev.annonet.runtime.backend.MetricCounter;
import dev.annonet.runtime.backend.StepReplay;
import java.util.Locale;

/**
 * A metric a model reports while training and evaluating; made by {@link Metrics}. Immutable: the
 * {@code with...} methods, Keras's keyword arguments, return a changed copy, and refuse an option
 * the metric does not take.
 */
public final class Metric {
    /** Keras's AUC {@code curve}. */
    public enum Curve {
        /** Recall against the false positive rate. */
        ROC,
        /** Precision against recall. */
        PR
    }

    /** Keras's AUC {@code summation_method}. */
    public enum SummationMethod {
        /** Trapezoids for ROC; for PR, Davis and Goadrich's interpolation of the positives between thresholds. */
        INTERPOLATION,
        /** Each interval's lower end: a lower bound. */
        MINORING,
        /** Each interval's higher end: an upper bound. */
        MAJORING
    }

    enum Kind {
        ACCURACY, TOP_K_CATEGORICAL_ACCURACY, SPARSE_TOP_K_CATEGORICAL_ACCURACY, PRECISION, RECALL, AUC
    }

    private final String name;
    private final Kind kind;
    /** Top-k accuracy's k, or precision's and recall's top_k (0: none). */
    private final int k;
    /** Precision's and recall's threshold; NaN: Keras's default (0.5, or none with a top_k). */
    private final double threshold;
    /** Precision's and recall's class_id; -1: every class. */
    private final int classId;
    private final int numThresholds;
    private final Curve curve;
    private final SummationMethod summationMethod;

    private Metric(String name, Kind kind, int k, double threshold, int classId, int numThresholds, Curve curve,
                   SummationMethod summationMethod) {
        this.name = name;
        this.kind = kind;
        this.k = k;
        this.threshold = threshold;
        this.classId = classId;
        this.numThresholds = numThresholds;
        this.curve = curve;
        this.summationMethod = summationMethod;
    }

    static Metric of(String name, Kind kind, int k) {
        return new Metric(name, kind, k, Double.NaN, -1, 200, Curve.ROC, SummationMethod.INTERPOLATION);
    }

    /** The name in logs, {@link History} and {@link Evaluation}. */
    public String name() {
        return name;
    }

    /** This metric under another name (Keras's {@code name}): to compile two of a kind, e.g. precision of two classes. */
    public Metric named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a metric's name must not be empty");
        }
        return new Metric(name, kind, k, threshold, classId, numThresholds, curve, summationMethod);
    }

    /** Precision and recall: a prediction above {@code threshold} (in [0, 1]) is positive; Keras's default is 0.5. */
    public Metric withThreshold(double threshold) {
        requireKind("threshold", Kind.PRECISION, Kind.RECALL);
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException(name + ": the threshold must be in [0, 1], was " + threshold);
        }
        return new Metric(name, kind, k, threshold, classId, numThresholds, curve, summationMethod);
    }

    /**
     * Precision and recall: only each row's {@code topK} largest outputs may be positive (ties: the
     * lower class first); without a threshold, they all are.
     */
    public Metric withTopK(int topK) {
        requireKind("top k", Kind.PRECISION, Kind.RECALL);
        if (topK < 1) {
            throw new IllegalArgumentException(name + ": top k must be at least 1, was " + topK);
        }
        return new Metric(name, kind, topK, threshold, classId, numThresholds, curve, summationMethod);
    }

    /** Precision and recall of class (output column) {@code classId} alone, as a binary metric. */
    public Metric withClassId(int classId) {
        requireKind("class id", Kind.PRECISION, Kind.RECALL);
        if (classId < 0) {
            throw new IllegalArgumentException(name + ": the class id must not be negative, was " + classId);
        }
        return new Metric(name, kind, k, threshold, classId, numThresholds, curve, summationMethod);
    }

    /** AUC: how many thresholds discretize the curve (Keras's default 200); each costs two counts a step. */
    public Metric withNumThresholds(int numThresholds) {
        requireKind("number of thresholds", Kind.AUC);
        int most = (StepReplay.MAX_RESULTS - 1) / 2;
        if (numThresholds < 2 || numThresholds > most) {
            throw new IllegalArgumentException(name + ": the number of thresholds must be in [2, " + most + "], was "
                    + numThresholds);
        }
        return new Metric(name, kind, k, threshold, classId, numThresholds, curve, summationMethod);
    }

    /** AUC: the ROC curve (Keras's default) or precision-recall. */
    public Metric withCurve(Curve curve) {
        requireKind("curve", Kind.AUC);
        return new Metric(name, kind, k, threshold, classId, numThresholds, requireNonNull(curve, "curve"), summationMethod);
    }

    /** AUC: how the area between thresholds is summed (Keras's default {@link SummationMethod#INTERPOLATION}). */
    public Metric withSummationMethod(SummationMethod summationMethod) {
        requireKind("summation method", Kind.AUC);
        return new Metric(name, kind, k, threshold, classId, numThresholds, curve,
                requireNonNull(summationMethod, "summation method"));
    }

    private void requireKind(String option, Kind... kinds) {
        StringBuilder takers = new StringBuilder();
        for (Kind allowed : kinds) {
            if (kind == allowed) {
                return;
            }
            takers.append(takers.length() == 0 ? "" : " and ").append(allowed.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalStateException(name + " takes no " + option + " (" + takers + (kinds.length > 1 ? " do)" : " does)"));
    }

    private <T> T requireNonNull(T value, String what) {
        if (value == null) {
            throw new NullPointerException(name + ": " + what + " is null");
        }
        return value;
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

    /**
     * What this metric counts for a model with this loss and output width, checked: top-k accuracy
     * takes one-hot targets and its sparse twin class indices, as in Keras; a class id must be a
     * column. Precision, recall and AUC count class-index targets as their one-hot rows (Keras
     * takes no class indices there).
     */
    MetricCounts bind(Loss loss, int outputColumns) {
        boolean sparse = loss.kind() == LossKind.SPARSE_CATEGORICAL_CROSSENTROPY;
        return switch (kind) {
            case ACCURACY -> MetricCounts.accuracy(accuracyFor(loss.kind(), outputColumns), outputColumns);
            case TOP_K_CATEGORICAL_ACCURACY -> {
                if (sparse) {
                    throw new IllegalArgumentException(name + " takes one-hot targets, but " + loss.name()
                            + " takes class indices: use Metrics.sparseTopKCategoricalAccuracy()");
                }
                yield MetricCounts.counted(kind, MetricCounter.topK(k, false), null, null);
            }
            case SPARSE_TOP_K_CATEGORICAL_ACCURACY -> {
                if (!sparse) {
                    throw new IllegalArgumentException(name + " takes class indices, but " + loss.name()
                            + " takes a target per output: use Metrics.topKCategoricalAccuracy()");
                }
                yield MetricCounts.counted(kind, MetricCounter.topK(k, true), null, null);
            }
            case PRECISION, RECALL -> {
                if (classId >= outputColumns) {
                    throw new IllegalArgumentException(name + ": class id " + classId + " is not a class of an output of "
                            + outputColumns);
                }
                double positiveAbove = !Double.isNaN(threshold) ? threshold : k > 0 ? MetricCounter.BELOW_EVERY_OUTPUT : 0.5;
                yield MetricCounts.counted(kind, MetricCounter.confusion((float) positiveAbove, k, classId, sparse), null, null);
            }
            case AUC -> MetricCounts.counted(kind, MetricCounter.thresholdBuckets(numThresholds, sparse), curve, summationMethod);
        };
    }

    @Override
    public String toString() {
        return name;
    }
}
