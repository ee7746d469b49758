package dev.annonet.runtime.callbacks;

/**
 * Code that {@code fit} calls as training goes, as Keras's callbacks: given to
 * {@code Fit.options().callbacks(...)}, called in the order given. Every method has an empty
 * default, so a callback overrides only what it needs.
 *
 * <p>Epochs and batches count from 1, as the progress bar shows them. A callback runs on the
 * thread that called {@code fit}; a step on a GPU that replays recorded steps reports its loss one
 * step late, so {@link #onBatchEnd} then sees the running values up to the batch before.
 */
public interface Callback {

    /** Before the first epoch. */
    default void onTrainBegin(Training training) {
    }

    /** Before epoch {@code epoch}'s first batch. */
    default void onEpochBegin(Training training, int epoch) {
    }

    /**
     * After batch {@code batch} of epoch {@code epoch}: {@code logs} holds the running means of the
     * epoch so far ({@code loss} and the metrics). The view is reused from batch to batch, so a
     * step allocates nothing: read it now, or copy it with {@link Logs#toMap()}.
     */
    default void onBatchEnd(Training training, int epoch, int batch, Logs logs) {
    }

    /** After epoch {@code epoch} and its validation: {@code logs} holds what History records for it. */
    default void onEpochEnd(Training training, int epoch, Logs logs) {
    }

    /** After the last epoch, or once a callback has stopped training; not called when fit throws. */
    default void onTrainEnd(Training training) {
    }
}
