package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.UpdateRule;
import java.util.List;

/**
 * An optimizer and its hyperparameters; made by {@link Optimizers}. Its state (velocities,
 * moments) belongs to the model it is compiled into, so one optimizer may configure several models.
 */
public final class Optimizer {
    private final UpdateRule rule;
    private final String description;
    private final float learningRate;
    private final List<String> stateNames;

    /** {@code stateNames}: what each state buffer holds, as a checkpoint names it, whether or not the rule uses it. */
    Optimizer(UpdateRule rule, String description, float learningRate, List<String> stateNames) {
        this.rule = rule;
        this.description = description;
        this.learningRate = learningRate;
        this.stateNames = List.copyOf(stateNames);
    }

    /** Keras's name, e.g. {@code rmsprop}. */
    public String name() {
        return rule.name();
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

    /**
     * One update of the trainable parameters through the backend's kernel. {@code learningRate}: the
     * rate now (a schedule may have changed it since compile); {@code t}: the 1-based number of this
     * update since compile (Adam's bias correction).
     */
    void update(Backend backend, int count, Memory weights, Memory gradients, Memory[] state, float learningRate, long t) {
        backend.update(rule, count, weights, gradients, state.length > 0 ? state[0] : null, state.length > 1 ? state[1] : null,
                learningRate, t);
    }

    /** The name and hyperparameters, e.g. {@code Adam(learning_rate=0.001, ...)}. */
    @Override
    public String toString() {
        return description;
    }
}
