package dev.annonet.runtime;

/** A named weight tensor of a model. CONTRACT SKELETON. */
public interface Weights {
    String name();

    int[] shape();

    boolean trainable();

    float[] toArray();

    void set(float[] values);
}
