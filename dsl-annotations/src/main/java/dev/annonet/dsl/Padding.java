package dev.annonet.dsl;

/** How a 2D window ({@code @Conv2D}, the pooling layers) treats the borders of its input, as Keras's {@code padding}. */
public enum Padding {
    /** No padding: the window stays inside the input, {@code out = floor((in - span) / stride) + 1}. */
    VALID,
    /**
     * Zeros around the input so that {@code out = ceil(in / stride)}; of the {@code max((out - 1) ·
     * stride + span - in, 0)} padded rows (columns), {@code total / 2} go before and the rest after.
     * Average pooling leaves the padding out of its count.
     */
    SAME
}
