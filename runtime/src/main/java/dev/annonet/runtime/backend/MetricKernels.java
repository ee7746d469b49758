package dev.annonet.runtime.backend;

import java.util.Arrays;

/**
 * The counts of {@link MetricCounter}, written once over {@link Elements} for the backends that
 * run Java loops (reference, cpu): like the losses they touch only the output layer. Values are
 * compared as float32, as Keras compares its float32 outputs; the CUDA kernels count alike
 * ({@code metric_kernels.cuh}).
 */
public final class MetricKernels {
    private MetricKernels() {
    }

    /** Adds nothing up: overwrites {@code counts[countsOffset .. + counter.counters())} with this batch's counts. */
    public static void count(MetricCounter counter, int rows, int cols, Elements y, int yOffset,
                             Elements targets, int targetsOffset, long[] counts, int countsOffset) {
        Arrays.fill(counts, countsOffset, countsOffset + counter.counters(), 0);
        int targetWidth = counter.targetWidth(cols);
        for (int r = 0; r < rows; r++) {
            int row = yOffset + r * cols;
            int targetRow = targetsOffset + r * targetWidth;
            int label = counter.sparseTargets() ? LossKernels.label(targets, targetRow, cols, r) : -1;
            switch (counter.kind()) {
                case TOP_K -> {
                    int target = label >= 0 ? label : LossKernels.argmax(targets, targetRow, cols);
                    counts[countsOffset] += inTopK(y, row, cols, target, counter.k()) ? 1 : 0;
                    counts[countsOffset + 1]++;
                }
                case CONFUSION -> {
                    int first = counter.classId() < 0 ? 0 : counter.classId();
                    int last = counter.classId() < 0 ? cols : counter.classId() + 1;
                    for (int c = first; c < last; c++) {
                        boolean truth = label >= 0 ? c == label : targets.get(targetRow + c) != 0;
                        float value = (float) y.get(row + c);
                        boolean positive = value > counter.threshold()
                                && (counter.k() == 0 || amongLargest(y, row, cols, c, counter.k()));
                        counts[countsOffset + confusionIndex(truth, positive)]++;
                    }
                }
                case THRESHOLD_BUCKETS -> {
                    for (int c = 0; c < cols; c++) {
                        boolean truth = label >= 0 ? c == label : targets.get(targetRow + c) != 0;
                        int bucket = bucket((float) y.get(row + c), counter.thresholds());
                        counts[countsOffset + (truth ? 0 : counter.thresholds()) + bucket]++;
                    }
                }
            }
        }
    }

    private static int confusionIndex(boolean truth, boolean positive) {
        if (truth) {
            return positive ? MetricCounter.TRUE_POSITIVES : MetricCounter.FALSE_NEGATIVES;
        }
        return positive ? MetricCounter.FALSE_POSITIVES : MetricCounter.TRUE_NEGATIVES;
    }

    /** Keras's {@code in_top_k}: fewer than k values exceed the target's (a NaN target's is below all). */
    private static boolean inTopK(Elements y, int row, int cols, int target, int k) {
        float own = (float) y.get(row + target);
        if (Float.isNaN(own)) {
            own = Float.NEGATIVE_INFINITY;
        }
        int above = 0;
        for (int c = 0; c < cols; c++) {
            above += (float) y.get(row + c) > own ? 1 : 0;
        }
        return above < k;
    }

    /** Whether column c is among the row's k largest, equal values ranked by column (Keras's top_k filter). */
    private static boolean amongLargest(Elements y, int row, int cols, int c, int k) {
        float own = (float) y.get(row + c);
        int ahead = 0;
        for (int j = 0; j < cols; j++) {
            float other = (float) y.get(row + j);
            ahead += other > own || (j < c && other == own) ? 1 : 0;
        }
        return ahead < k;
    }

    /** The bucket of {@link MetricCounter.Kind#THRESHOLD_BUCKETS}, in float arithmetic. */
    static int bucket(float value, int thresholds) {
        if (!(value > 0)) {
            return 0;
        }
        float scaled = Math.min(value, 1f) * (thresholds - 1);
        return Math.max(0, (int) Math.ceil(scaled) - 1);
    }
}
