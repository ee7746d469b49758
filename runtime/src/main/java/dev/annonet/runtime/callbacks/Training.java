package dev.annonet.runtime.callbacks;

import dev.annonet.runtime.History;
import dev.annonet.runtime.Model;

/** What a {@link Callback} sees of the training it watches, and how it steers it (Keras's {@code self.model}). */
public interface Training {

    /** The model being trained. */
    Model model();

    /** The number of the last epoch {@code fit} runs to ({@code Fit.epochs}; epochs count on from {@code Fit.initialEpoch}). */
    int epochs();

    /** Batches in one epoch. */
    int stepsPerEpoch();

    /** The epochs recorded so far. */
    History history();

    /** Ends training after the current batch (from {@link Callback#onBatchEnd}) or epoch (Keras's {@code stop_training}). */
    void stop();

    /** Whether a callback has asked to stop. */
    boolean stopping();

    /** The learning rate of the optimizer's next update (Keras's {@code optimizer.learning_rate}). */
    float learningRate();

    /**
     * Sets the learning rate from the next update on; the optimizer's state (momentum, moments, its
     * update count) stays as it is. The rate must be 0 or more and finite. A checkpoint keeps it.
     */
    void learningRate(float rate);
}
