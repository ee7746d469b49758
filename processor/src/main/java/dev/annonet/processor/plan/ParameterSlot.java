package dev.annonet.processor.plan;

import dev.annonet.processor.check.Shape;

/** A weight tensor's place in the parameter buffer; a trainable one has its gradient at the same offset. */
public record ParameterSlot(String name, int offset, Shape shape, WeightValues values) implements Region {

    public boolean trainable() {
        return values.trainable();
    }
}
