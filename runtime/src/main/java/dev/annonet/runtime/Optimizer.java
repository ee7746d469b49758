package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;

/**
 * An optimizer and its hyperparameters; made by {@link Optimizers}. Its state (velocities,
 * moments) belongs to the model it is compiled into, so one optimizer may configure several models.
 */
public abstract class Optimizer {
    Optimizer() {
    }

    /** Keras's name, e.g. {@code rmsprop}. */
    public abstract String name();

    /** How many state buffers, each as large as the trainable parameters, an update needs. */
    abstract int stateBuffers();

    /**
     * Updates {@code count} weights from their gradients; {@code t} is the 1-based number of this
     * update since compile (Adam's bias correction).
     */
    abstract void update(Backend backend, int count, Memory weights, Memory gradients, Memory[] state, long t);
}
