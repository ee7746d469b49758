package dev.annonet.runtime;

import java.util.function.Function;

/**
 * Predictions of a {@link Model} for serving on many threads: {@link Model#predictor()} gives one
 * per thread. A predictor owns its activations and its backend's scratch and reads the model's
 * weights in place, so predictors on different threads run at the same time; its outputs equal the
 * model's {@link Model#predict}. On a GPU, predictors take turns on the model's own backend.
 *
 * <p>A predictor may be shared too: its calls then take turns. Fit, load, setting weights and
 * closing the model wait for the predictions in flight and hold new ones back until they are done,
 * so a prediction sees the weights before the change or after it, never half of it. Once the
 * predictor or its model is closed, a call fails with an {@link IllegalStateException}.
 */
public final class Predictor implements AutoCloseable {
    private final Model model;
    /** Runs the forward passes: the model's twin, or the model itself where its backend cannot fork. */
    private final Model runner;
    /**
     * What each call holds: for a twin, this predictor's own turn, which the model's own calls hold
     * too; for the model itself, the model's lock.
     */
    private final Turn turn;
    /** Guarded by {@link #turn}. */
    private boolean closed;

    Predictor(Model model, Model runner, Turn turn) {
        this.model = model;
        this.runner = runner;
        this.turn = turn;
    }

    /** The output for one sample given as its flattened values, as the generated {@code predict(float[])}. */
    public float[] predict(float[] sample) {
        return run(runner -> runner.forwardSample(sample));
    }

    /** The outputs for samples {@code x}: a tensor of shape (samples, output shape...). */
    public Tensor predict(Tensor x) {
        return predict(x, Fit.DEFAULT_BATCH_SIZE);
    }

    /** The outputs for the samples of {@code x}, computed {@code batchSize} samples at a time. */
    public Tensor predict(Tensor x, int batchSize) {
        return run(runner -> runner.forwardBatches(x, batchSize, 0));
    }

    /** The outputs for samples given one per row, one flattened output per row. */
    public float[][] predict(float[][] x) {
        return Model.rows(predict(Tensor.of(x)));
    }

    /** Frees the predictor's own memory, once its call in flight is done; closing twice is harmless. */
    @Override
    public void close() {
        turn.lock();
        try {
            if (!closed) {
                closed = true;
                model.forget(this, turn);
            }
        } finally {
            turn.unlock();
        }
    }

    @Override
    public String toString() {
        return "predictor of " + model;
    }

    // One call at a time on this predictor: its turn is its own, or the model's lock.
    private <T> T run(Function<Model, T> prediction) {
        turn.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this predictor of model '" + model.name() + "' is closed");
            }
            model.requireOpen();
            return runner.backend.onCallingThread(() -> prediction.apply(runner));
        } finally {
            turn.unlock();
        }
    }

    /** Frees the twin's memory: called by the model, which forgets this predictor, with no prediction in flight. */
    void release() {
        if (runner != model) {
            runner.close();
        }
    }
}
