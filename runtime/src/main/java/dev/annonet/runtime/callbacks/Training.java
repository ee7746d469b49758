package dev.annonet.runtime.callbacks;

import dev.annonet.runtime.History;
import dev.annonet.runtime.Model;

/** What a {@link Callback} sees of the training it watches, and how it steers it (Keras's {@code self.model}). */
public interface Training {

    /** The model being trained. */
    Model model();

    /** The learning rate of the optimizer the model was compiled with. */
    double learningRate();

    /** The epochs {@code fit} was asked for. */
    int epochs();

    /** Batches in one epoch. */
    int stepsPerEpoch();

    /** The epochs recorded so far. */
    History history();

    /** Ends training after the current batch (from {@link Callback#onBatchEnd}) or epoch (Keras's {@code stop_training}). */
    void stop();

    /** Whether a callback has asked to stop. */
    boolean stopping();
}
