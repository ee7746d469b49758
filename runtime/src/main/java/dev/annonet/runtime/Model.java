package dev.annonet.runtime;

import dev.annonet.dsl.Layer;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;

/**
 * Base of every generated model. The generated subclass supplies the network (its
 * {@link NetworkLayout} and the straight-line {@link #forward} / {@link #backward} schedules);
 * this class owns the memory and runs Keras's compile / fit / evaluate / predict around them.
 *
 * <p>CONTRACT SKELETON — the training API is being implemented; see the helper brief.
 */
public abstract class Model implements AutoCloseable {

    /** The backend the generated schedule calls. */
    protected final Backend backend;

    protected Model(NetworkLayout layout, Device device, long seed) {
        throw new UnsupportedOperationException("skeleton");
    }

    // ---- the contract with generated code ----------------------------------------------------

    /** Forward pass over {@code batch} samples whose input is already in the activation arena. */
    protected abstract void forward(int batch, boolean training);

    /**
     * Backward pass. The loss has written d(loss)/d(output) into {@link #activationGradients()} at
     * the output's offset, or, when {@code outputGradientFused}, d(loss)/d(pre-activation) at the
     * output activation's input offset (softmax + cross-entropy): then the output activation's
     * backward is skipped.
     */
    protected abstract void backward(int batch, boolean outputGradientFused);

    /** All parameters: trainable first, then fixed ones. */
    protected final Memory parameters() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Gradients of the trainable parameters, same offsets. */
    protected final Memory gradients() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The activation arena: a tensor at per-sample offset o lives at {@code batch * o}. */
    protected final Memory activations() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The activation arena's gradient twin, same offsets. */
    protected final Memory activationGradients() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The current training step (forward and backward of one step see the same value). */
    protected final long step() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The dropout seed of the layer at {@code layerIndex} (declaration order), from the model's seed. */
    protected final long dropoutSeed(int layerIndex) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A view of the dense layer {@code name}, with its {@code name.kernel} and (if any) {@code name.bias}. */
    protected final DenseLayer denseLayer(String name) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A view of a layer without weights. */
    protected final Layer layer(String name) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Predicts one sample given as its flattened values. */
    protected final float[] predictSample(float[] sample) {
        throw new UnsupportedOperationException("skeleton");
    }

    @Override
    public void close() {
    }
}
