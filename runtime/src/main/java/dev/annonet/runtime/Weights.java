package dev.annonet.runtime;

/** A named weight tensor of a model, read from and written to the model's memory. */
public interface Weights {
    /** The layer's name and the weight's role: {@code hidden.kernel}. */
    String name();

    int[] shape();

    /** False for weights fixed in the declaration, which training leaves unchanged. */
    boolean trainable();

    /** A copy of the values, row-major. */
    float[] toArray();

    /** The value at {@code index}, one coordinate per axis. */
    float get(int... index);

    /**
     * Replaces the values (row-major, as many as the shape holds). Throws IllegalStateException for
     * fixed weights.
     */
    void set(float[] values);
}
