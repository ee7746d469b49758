package dev.annonet.runtime;

import java.util.Arrays;

/**
 * Running sums of the loss and metrics over the batches of an epoch or an evaluation. The loss's
 * mean is weighted by samples (rows), as Keras's progress and History report it; each metric sums
 * its counts ({@link MetricCounts}) and computes its value from them. Value 0 is the loss, value
 * 1 + m metric m.
 */
final class Tally {
    private final MetricCounts[] metrics;
    private final int[] offsets;
    private final long[] counts;
    private double lossSum;
    private long lossRows;

    Tally(MetricCounts[] metrics) {
        this.metrics = metrics;
        this.offsets = MetricCounts.offsets(metrics);
        this.counts = new long[offsets[metrics.length]];
    }

    void reset() {
        lossSum = 0;
        lossRows = 0;
        Arrays.fill(counts, 0);
    }

    void addLoss(double sum, int rows) {
        lossSum += sum;
        lossRows += rows;
    }

    /** Adds a batch's counts of every metric, laid out as {@link MetricCounts#offsets} places them. */
    void addCounts(long[] batchCounts) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += batchCounts[i];
        }
    }

    int size() {
        return 1 + metrics.length;
    }

    double value(int index) {
        return index == 0 ? lossSum / lossRows : metrics[index - 1].value(counts, offsets[index - 1]);
    }
}
