package dev.annonet.runtime.callbacks;

/**
 * Keras's {@code ReduceLROnPlateau}: multiplies the learning rate by {@code factor} once the
 * monitored quantity has not improved for {@code patience} epochs, then waits {@code cooldown}
 * epochs before counting again, never going below {@code minLr}. The optimizer's state is kept.
 * Keras's defaults: monitor {@code val_loss}, mode auto, factor 0.1, patience 10, minDelta 1e-4,
 * cooldown 0, minLr 0.
 */
public final class ReduceLROnPlateau implements Callback {
    private String monitorName = "val_loss";
    private Mode mode = Mode.AUTO;
    private float factor = 0.1f;
    private int patience = 10;
    private double minDelta = 1e-4;
    private int cooldown;
    private float minLr;

    private Monitor monitor;
    private double best;
    private int wait;
    private int cooldownLeft;

    public ReduceLROnPlateau monitor(String monitor) {
        this.monitorName = monitor;
        return this;
    }

    public ReduceLROnPlateau mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    /** What the rate is multiplied by, in (0, 1). */
    public ReduceLROnPlateau factor(float factor) {
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("ReduceLROnPlateau: factor must be in (0, 1), was " + factor);
        }
        this.factor = factor;
        return this;
    }

    public ReduceLROnPlateau patience(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau: patience must be 0 or more, was " + patience);
        }
        this.patience = patience;
        return this;
    }

    public ReduceLROnPlateau minDelta(double minDelta) {
        this.minDelta = minDelta;
        return this;
    }

    /** Epochs after a reduction during which the plateau is not watched (the last of them is, as in Keras). */
    public ReduceLROnPlateau cooldown(int cooldown) {
        if (cooldown < 0) {
            throw new IllegalArgumentException("ReduceLROnPlateau: cooldown must be 0 or more, was " + cooldown);
        }
        this.cooldown = cooldown;
        return this;
    }

    /** The rate below which no reduction goes. */
    public ReduceLROnPlateau minLr(float minLr) {
        if (!(minLr >= 0 && Float.isFinite(minLr))) {
            throw new IllegalArgumentException("ReduceLROnPlateau: minLr must be 0 or more and finite, was " + minLr);
        }
        this.minLr = minLr;
        return this;
    }

    @Override
    public void onTrainBegin(Training training) {
        monitor = new Monitor("ReduceLROnPlateau", monitorName, mode, minDelta);
        best = monitor.worst();
        wait = 0;
        cooldownLeft = 0;
    }

    @Override
    public void onEpochEnd(Training training, int epoch, Logs logs) {
        double current = monitor.value(logs);
        if (cooldownLeft > 0) {
            cooldownLeft--;
            wait = 0;
        }
        // As Keras: the cooldown's last epoch already counts towards the patience.
        if (monitor.improves(current, best)) {
            best = current;
            wait = 0;
        } else if (cooldownLeft == 0 && ++wait >= patience) {
            float rate = training.learningRate();
            if (rate > minLr) {
                training.learningRate(Math.max(rate * factor, minLr));
                cooldownLeft = cooldown;
                wait = 0;
            }
        }
    }
}
