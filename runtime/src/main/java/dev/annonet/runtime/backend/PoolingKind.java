package dev.annonet.runtime.backend;

/** What a pooling window computes. */
public enum PoolingKind {
    /** The largest value; backward routes the gradient to the first position holding it. */
    MAX,
    /** The mean of the values inside the input (padding is not counted). */
    AVERAGE
}
