package dev.annonet.processor.plan;

/** A size argument: a constant, or a constant per sample that the batch size multiplies. */
public record Extent(int value, boolean perSample) {

    public static Extent of(int value) {
        return new Extent(value, false);
    }

    public static Extent perSample(int value) {
        return new Extent(value, true);
    }
}
