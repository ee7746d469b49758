package dev.annonet.runtime.callbacks;

import dev.annonet.runtime.WeightSnapshot;

/**
 * Keras's {@code EarlyStopping}: stops training once the monitored quantity has not improved for
 * {@code patience} epochs. Options and defaults are Keras's: monitor {@code val_loss}, mode auto,
 * minDelta 0, patience 0, no baseline, restoreBestWeights false, startFromEpoch 0. A monitor the
 * logs lack stops fit at the first epoch's end with an {@link IllegalArgumentException} naming
 * those there are (Keras only warns).
 */
public final class EarlyStopping implements Callback {
    private String monitorName = "val_loss";
    private Mode mode = Mode.AUTO;
    private double minDelta;
    private int patience;
    private Double baseline;
    private boolean restoreBestWeights;
    private int startFromEpoch;

    private Monitor monitor;
    private double best;
    private int wait;
    private int bestEpoch;
    private int stoppedEpoch;
    private WeightSnapshot bestWeights;

    /** The quantity watched, a name in the epoch's logs such as {@code val_loss} or {@code accuracy}. */
    public EarlyStopping monitor(String monitor) {
        this.monitorName = monitor;
        return this;
    }

    public EarlyStopping mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    /** A change smaller than this (in absolute value) is no improvement. */
    public EarlyStopping minDelta(double minDelta) {
        this.minDelta = minDelta;
        return this;
    }

    /** Epochs without improvement after which training stops. */
    public EarlyStopping patience(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("EarlyStopping: patience must be 0 or more, was " + patience);
        }
        this.patience = patience;
        return this;
    }

    /** A value the quantity must improve on: until it does, the epochs count as without improvement. */
    public EarlyStopping baseline(double baseline) {
        this.baseline = baseline;
        return this;
    }

    /** On stopping, put back the weights of the best epoch (else the model keeps the last epoch's). */
    public EarlyStopping restoreBestWeights(boolean restoreBestWeights) {
        this.restoreBestWeights = restoreBestWeights;
        return this;
    }

    /** Epochs to let pass before watching (a warm-up during which nothing improves reliably). */
    public EarlyStopping startFromEpoch(int startFromEpoch) {
        if (startFromEpoch < 0) {
            throw new IllegalArgumentException("EarlyStopping: startFromEpoch must be 0 or more, was " + startFromEpoch);
        }
        this.startFromEpoch = startFromEpoch;
        return this;
    }

    @Override
    public void onTrainBegin(Training training) {
        monitor = new Monitor("EarlyStopping", monitorName, mode, minDelta);
        best = monitor.worst();
        wait = 0;
        bestEpoch = 0;
        stoppedEpoch = 0;
        bestWeights = null;
    }

    @Override
    public void onEpochEnd(Training training, int epoch, Logs logs) {
        double current = monitor.value(logs);
        if (epoch <= startFromEpoch) {
            return;
        }
        if (restoreBestWeights && bestWeights == null) {
            bestWeights = training.model().copyWeights();
        }
        wait++;
        if (monitor.improves(current, best)) {
            best = current;
            bestEpoch = epoch;
            if (restoreBestWeights) {
                bestWeights = training.model().copyWeights();
            }
            if (baseline == null || monitor.improves(current, baseline)) {
                wait = 0;
            }
            return;
        }
        if (wait >= patience && epoch > 1) {
            stoppedEpoch = epoch;
            training.stop();
            if (restoreBestWeights) {
                training.model().restoreWeights(bestWeights);
            }
        }
    }

    /** The epoch after which training stopped, or 0 when it ran to the end. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** The epoch with the best monitored value so far, or 0 before any improved on the start. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** The best monitored value so far. */
    public double best() {
        return best;
    }
}
