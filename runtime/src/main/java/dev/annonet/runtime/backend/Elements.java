package dev.annonet.runtime.backend;

/**
 * Element access to a backend's memory in double precision, for the kernels that are written once
 * for every backend ({@link ActivationKernels}, {@link DropoutKernels}, {@link LossKernels}): the
 * reference backend's oracle code and the fast backends' fallbacks for rare cases.
 */
public interface Elements {
    double get(int index);

    void set(int index, double value);

    /** The row number that {@link #setIndex} stored at {@code index}. */
    default int getIndex(int index) {
        return (int) get(index);
    }

    /** Stores a row number at {@code index}: exactly, where a float value could not hold it (above 2^24). */
    default void setIndex(int index, int value) {
        set(index, value);
    }
}
