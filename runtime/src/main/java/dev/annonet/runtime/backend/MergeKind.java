package dev.annonet.runtime.backend;

/** How an element-wise merge combines its inputs ({@link Backend#merge}). */
public enum MergeKind {
    /** A weighted sum: Add, Subtract, Average; also how a fan-out's gradient parts are added. */
    SUM,
    /** Multiply. */
    PRODUCT,
    /** The largest input; the gradient goes to the first input holding it. */
    MAXIMUM,
    /** The smallest input; the gradient goes to the first input holding it. */
    MINIMUM
}
