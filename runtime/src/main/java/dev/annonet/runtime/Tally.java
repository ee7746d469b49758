package dev.annonet.runtime;

import java.util.Arrays;

/**
 * Running sums of the loss and metrics over the batches of an epoch or an evaluation. Means are
 * weighted by samples (rows), as Keras's progress and History report them. Value 0 is the loss,
 * value 1 + m metric m.
 */
final class Tally {
    private final long[] correct;
    private final long[] counted;
    private double lossSum;
    private long lossRows;

    Tally(int metrics) {
        correct = new long[metrics];
        counted = new long[metrics];
    }

    void reset() {
        lossSum = 0;
        lossRows = 0;
        Arrays.fill(correct, 0);
        Arrays.fill(counted, 0);
    }

    void addLoss(double sum, int rows) {
        lossSum += sum;
        lossRows += rows;
    }

    void addCorrect(int metric, long right, long total) {
        correct[metric] += right;
        counted[metric] += total;
    }

    int size() {
        return 1 + correct.length;
    }

    double value(int index) {
        return index == 0 ? lossSum / lossRows : (double) correct[index - 1] / counted[index - 1];
    }
}
