package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;

/**
 * An optimizer and its hyperparameters; made by {@link Optimizers}. Its state (velocities,
 * moments) belongs to the model it is compiled into, so one optimizer may configure several models.
 */
public final class Optimizer {
    /** One update of the trainable parameters through the backend's kernel. */
    interface Update {
        /** {@code t}: the 1-based number of this update since compile (Adam's bias correction). */
        void apply(Backend backend, int count, Memory weights, Memory gradients, Memory[] state, long t);
    }

    private final String name;
    private final float learningRate;
    private final String description;
    private final int stateBuffers;
    private final Update update;

    Optimizer(String name, float learningRate, String description, int stateBuffers, Update update) {
        this.name = name;
        this.learningRate = learningRate;
        this.description = description;
        this.stateBuffers = stateBuffers;
        this.update = update;
    }

    /** Keras's name, e.g. {@code rmsprop}. */
    public String name() {
        return name;
    }

    /** The learning rate every update uses (Keras's {@code optimizer.learning_rate}). */
    public float learningRate() {
        return learningRate;
    }

    /** How many state buffers, each as large as the trainable parameters, an update needs. */
    int stateBuffers() {
        return stateBuffers;
    }

    void update(Backend backend, int count, Memory weights, Memory gradients, Memory[] state, long t) {
        update.apply(backend, count, weights, gradients, state, t);
    }

    /** The name and hyperparameters, e.g. {@code Adam(learning_rate=0.001, ...)}. */
    @Override
    public String toString() {
        return description;
    }
}
