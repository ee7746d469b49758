package dev.annonet.runtime;

import java.util.Arrays;

/**
 * Running sums of the loss and metrics over the batches of an epoch or an evaluation. The loss's
 * mean is weighted by samples (rows), as Keras's progress and History report it; each metric sums
 * its counts ({@link MetricCounts}) and computes its value from them. Values 0 .. losses - 1 are
 * losses (the total, then each output's when there are several), value losses + m metric m.
 */
final class Tally {
    private final MetricCounts[] metrics;
    private final int[] offsets;
    private final long[] counts;
    private final double[] lossSums;
    private final long[] lossRows;

    Tally(int losses, MetricCounts[] metrics) {
        this.lossSums = new double[losses];
        this.lossRows = new long[losses];
        this.metrics = metrics;
        this.offsets = MetricCounts.offsets(metrics);
        this.counts = new long[offsets[metrics.length]];
    }

    void reset() {
        Arrays.fill(lossSums, 0);
        Arrays.fill(lossRows, 0);
        Arrays.fill(counts, 0);
    }

    /** Adds a batch's sum of loss {@code index} over {@code rows} rows. */
    void addLoss(int index, double sum, int rows) {
        lossSums[index] += sum;
        lossRows[index] += rows;
    }

    /** Adds a batch's counts of every metric, laid out as {@link MetricCounts#offsets} places them. */
    void addCounts(long[] batchCounts) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += batchCounts[i];
        }
    }

    int size() {
        return lossSums.length + metrics.length;
    }

    double value(int index) {
        int metric = index - lossSums.length;
        return metric < 0 ? lossSums[index] / lossRows[index] : metrics[metric].value(counts, offsets[metric]);
    }
}
