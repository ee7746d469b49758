package dev.annonet.runtime.backend;

/**
 * A block of values owned by a {@link Backend}: float32 on the fast backends, float64 on the
 * reference one. Generated code addresses it by offset; only its backend reads or writes it.
 */
public interface Memory {
    /** Number of values. */
    int size();
}
