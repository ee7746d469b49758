package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;
import java.util.List;

/**
 * An optimizer and its hyperparameters; made by {@link Optimizers}. Its state (velocities,
 * moments) belongs to the model it is compiled into, so one optimizer may configure several models.
 */
public final class Optimizer {
    /** One update of the trainable parameters through the backend's kernel. */
    interface Update {
        /**
         * {@code learningRate}: the rate now (a schedule may have changed it since compile); {@code t}:
         * the 1-based number of this update since compile (Adam's bias correction).
         */
        void apply(Backend backend, int count, Memory weights, Memory gradients, Memory[] state, float learningRate, long t);
    }

    private final String name;
    private final String description;
    private final float learningRate;
    private final List<String> stateNames;
    private final Update update;

    Optimizer(String name, String description, float learningRate, List<String> stateNames, Update update) {
        this.name = name;
        this.description = description;
        this.learningRate = learningRate;
        this.stateNames = List.copyOf(stateNames);
        this.update = update;
    }

    /** Keras's name, e.g. {@code rmsprop}. */
    public String name() {
        return name;
    }

    /** The learning rate a compile starts with; callbacks may change it during training. */
    public float learningRate() {
        return learningRate;
    }

    /** How many state buffers, each as large as the trainable parameters, an update needs. */
    int stateBuffers() {
        return stateNames.size();
    }

    /** What each state buffer holds, as a checkpoint names it, e.g. {@code m} and {@code v} for Adam. */
    List<String> stateNames() {
        return stateNames;
    }

    void update(Backend backend, int count, Memory weights, Memory gradients, Memory[] state, float learningRate, long t) {
        update.apply(backend, count, weights, gradients, state, learningRate, t);
    }

    /** The name and hyperparameters, e.g. {@code Adam(learning_rate=0.001, ...)}. */
    @Override
    public String toString() {
        return description;
    }
}
