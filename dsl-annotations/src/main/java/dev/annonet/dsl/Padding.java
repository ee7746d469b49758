package dev.annonet.dsl;

/** How a window ({@code @Conv2D}, {@code @Conv1D}, the pooling layers) treats the borders of its input, as Keras's {@code padding}. */
public enum Padding {
    /** No padding: the window stays inside the input, {@code out = floor((in - span) / stride) + 1}. */
    VALID,
    /**
     * Zeros around the input so that {@code out = ceil(in / stride)}; of the {@code max((out - 1) ·
     * stride + span - in, 0)} padded rows (columns), {@code total / 2} go before and the rest after.
     * Average pooling leaves the padding out of its count.
     */
    SAME,
    /**
     * {@code @Conv1D} only, as in Keras: {@code (kernel - 1) · dilation} zeros before the first step
     * and none after, so that output step t sees input steps up to t alone; {@code out = ceil(in / stride)}.
     */
    CAUSAL
}
