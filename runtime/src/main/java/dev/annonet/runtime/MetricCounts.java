package dev.annonet.runtime;

import dev.annonet.runtime.backend.AccuracyKind;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.MetricCounter;
import dev.annonet.runtime.backend.StepReplay;

/**
 * A compiled metric: the whole counts it takes from each batch on the backend, where a replayed
 * step leaves them, and its value from the counts summed over the batches so far, as Keras
 * accumulates its metrics' state (precision is TP / (TP + FP) over every sample so far; AUC comes
 * from the summed confusion counts at each threshold). Accuracy is the backend's
 * {@code countCorrect} and the rows or values counted; every other metric is a
 * {@link MetricCounter}.
 */
final class MetricCounts {
    private final Metric.Kind kind;
    /** Accuracy's kind, else null. */
    private final AccuracyKind accuracy;
    /** The output's last axis, for accuracy. */
    private final int columns;
    /** Every other metric's counter, else null. */
    private final MetricCounter counter;
    private final Metric.Curve curve;
    private final Metric.SummationMethod summationMethod;

    private MetricCounts(Metric.Kind kind, AccuracyKind accuracy, int columns, MetricCounter counter, Metric.Curve curve,
                         Metric.SummationMethod summationMethod) {
        this.kind = kind;
        this.accuracy = accuracy;
        this.columns = columns;
        this.counter = counter;
        this.curve = curve;
        this.summationMethod = summationMethod;
    }

    /** Counts {correct, counted}: rows, or values for binary accuracy. */
    static MetricCounts accuracy(AccuracyKind accuracy, int columns) {
        return new MetricCounts(Metric.Kind.ACCURACY, accuracy, columns, null, null, null);
    }

    /** Counts the counter's counts; {@code curve} and {@code summationMethod} for AUC only. */
    static MetricCounts counted(Metric.Kind kind, MetricCounter counter, Metric.Curve curve,
                                Metric.SummationMethod summationMethod) {
        return new MetricCounts(kind, null, 0, counter, curve, summationMethod);
    }

    /** Where each metric's counts start in an array of all of them, and (last) their total. */
    static int[] offsets(MetricCounts[] metrics) {
        int[] offsets = new int[metrics.length + 1];
        for (int m = 0; m < metrics.length; m++) {
            offsets[m + 1] = offsets[m] + metrics[m].size();
        }
        return offsets;
    }

    /** How many counts it sums. */
    int size() {
        return counter == null ? 2 : counter.counters();
    }

    /** How many results its backend calls leave in a recorded step. */
    int results() {
        return counter == null ? 1 : counter.counters();
    }

    /**
     * Counts a batch of {@code rows} output rows (of {@code cols} values at {@code y}) against the
     * targets at {@code targetsOffset} into {@code counts[offset ..]}; while a step records, the
     * backend keeps them for {@link #collect}.
     */
    void count(Backend backend, int rows, int cols, Memory y, int yOffset, Memory targets, int targetsOffset,
               long[] counts, int offset) {
        if (counter == null) {
            counts[offset] = backend.countCorrect(accuracy, rows, cols, y, yOffset, targets, targetsOffset);
            counts[offset + 1] = counted(rows);
        } else {
            backend.countMetric(counter, rows, cols, y, yOffset, targets, targetsOffset, counts, offset);
        }
    }

    /** The counts of a collected replayed step of {@code rows} rows, from its result {@code slot} on. */
    void collect(StepReplay replay, int slot, int rows, long[] counts, int offset) {
        if (counter == null) {
            counts[offset] = (long) replay.result(slot);
            counts[offset + 1] = counted(rows);
        } else {
            for (int i = 0; i < counter.counters(); i++) {
                counts[offset + i] = (long) replay.result(slot + i);
            }
        }
    }

    private long counted(int rows) {
        return accuracy == AccuracyKind.BINARY ? (long) rows * columns : rows;
    }

    /** The metric's value from the counts summed so far, at {@code counts[offset ..]}. */
    double value(long[] counts, int offset) {
        return switch (kind) {
            case ACCURACY, TOP_K_CATEGORICAL_ACCURACY, SPARSE_TOP_K_CATEGORICAL_ACCURACY ->
                    (double) counts[offset] / counts[offset + 1];
            case PRECISION -> {
                long truePositives = counts[offset + MetricCounter.TRUE_POSITIVES];
                yield ratio(truePositives, truePositives + counts[offset + MetricCounter.FALSE_POSITIVES]);
            }
            case RECALL -> {
                long truePositives = counts[offset + MetricCounter.TRUE_POSITIVES];
                yield ratio(truePositives, truePositives + counts[offset + MetricCounter.FALSE_NEGATIVES]);
            }
            case AUC -> area(counts, offset);
        };
    }

    /**
     * Keras's AUC from the bucket counts: at threshold i the true positives are the positives of
     * buckets i and above (and so on), and the curve's points at consecutive thresholds bound each
     * term of the Riemann sum. Walked from the highest threshold down, keeping running sums, so a
     * value allocates nothing.
     */
    private double area(long[] counts, int offset) {
        int n = counter.thresholds();
        long positives = 0;
        long negatives = 0;
        for (int b = 0; b < n; b++) {
            positives += counts[offset + b];
            negatives += counts[offset + n + b];
        }
        long truePositivesAbove = counts[offset + n - 1];
        long falsePositivesAbove = counts[offset + 2 * n - 1];
        double area = 0;
        for (int i = n - 2; i >= 0; i--) {
            long truePositives = truePositivesAbove + counts[offset + i];
            long falsePositives = falsePositivesAbove + counts[offset + n + i];
            area += curve == Metric.Curve.PR && summationMethod == Metric.SummationMethod.INTERPOLATION
                    ? interpolatedPrecisionArea(truePositives, falsePositives, truePositivesAbove, falsePositivesAbove, positives)
                    : rectangle(truePositives, falsePositives, truePositivesAbove, falsePositivesAbove, positives, negatives);
            truePositivesAbove = truePositives;
            falsePositivesAbove = falsePositives;
        }
        return area;
    }

    /** One term of the ROC or PR Riemann sum between a threshold (tp, fp) and the next higher one. */
    private double rectangle(long tp, long fp, long tpAbove, long fpAbove, long positives, long negatives) {
        double width;
        double height;
        double heightAbove;
        if (curve == Metric.Curve.ROC) {
            width = ratio(fp, negatives) - ratio(fpAbove, negatives);
            height = ratio(tp, positives);
            heightAbove = ratio(tpAbove, positives);
        } else {
            width = ratio(tp, positives) - ratio(tpAbove, positives);
            height = ratio(tp, tp + fp);
            heightAbove = ratio(tpAbove, tpAbove + fpAbove);
        }
        return width * switch (summationMethod) {
            case INTERPOLATION -> (height + heightAbove) / 2;
            case MINORING -> Math.min(height, heightAbove);
            case MAJORING -> Math.max(height, heightAbove);
        };
    }

    /**
     * Keras's PR interpolation (Davis and Goadrich): between two thresholds the true positives and
     * the predicted positives p grow linearly, so precision's integral over recall is closed-form,
     * {@code slope · (Δtp + intercept · log(p / pAbove)) / positives}.
     */
    private static double interpolatedPrecisionArea(long tp, long fp, long tpAbove, long fpAbove, long positives) {
        double deltaTruePositives = tp - tpAbove;
        long predicted = tp + fp;
        long predictedAbove = tpAbove + fpAbove;
        double slope = ratio(deltaTruePositives, Math.max(predicted - predictedAbove, 0));
        double intercept = tpAbove - slope * predictedAbove;
        double predictedRatio = predicted > 0 && predictedAbove > 0 ? (double) predicted / predictedAbove : 1;
        return ratio(slope * (deltaTruePositives + intercept * Math.log(predictedRatio)), positives);
    }

    /** Keras's divide_no_nan: 0 where the denominator is. */
    private static double ratio(double numerator, double denominator) {
        return denominator == 0 ? 0 : numerator / denominator;
    }
}
