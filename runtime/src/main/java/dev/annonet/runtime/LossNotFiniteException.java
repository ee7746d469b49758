package dev.annonet.runtime;

/**
 * Thrown by {@code fit} when a batch's loss is NaN or infinite: training has diverged, and every
 * further step would only spread the non-finite values through the weights. The model goes back to
 * the weights it had when that epoch began, and {@link #history()} holds the epochs completed before.
 */
public final class LossNotFiniteException extends ArithmeticException {
    private final int epoch;
    private final int batch;
    private final transient History history;

    LossNotFiniteException(String message, int epoch, int batch, History history) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
        this.history = history;
    }

    /** The epoch of the batch whose loss was not finite, from 1. */
    public int epoch() {
        return epoch;
    }

    /** That batch within its epoch, from 1. */
    public int batch() {
        return batch;
    }

    /** The epochs completed before training stopped. */
    public History history() {
        return history;
    }
}
