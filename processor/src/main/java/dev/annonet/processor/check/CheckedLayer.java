package dev.annonet.processor.check;

import dev.annonet.processor.read.DenseSpec;
import dev.annonet.processor.read.LayerSpec;

/**
 * A layer of a valid network: its declaration index, name, annotation, the layer it takes as
 * input (null for an {@code @Input}) and its output shape.
 */
public record CheckedLayer(int index, String name, LayerSpec spec, CheckedLayer input, Shape shape) {

    /** Weight values of the layer, fixed ones included, as Keras's summary counts them. */
    public long parameterCount() {
        if (spec instanceof DenseSpec dense) {
            long units = shape.last();
            return input.shape().last() * units + (dense.useBias().value() ? units : 0);
        }
        if (ImageRules.owns(spec)) {
            return ImageRules.parameterCount(this);
        }
        return SequenceRules.parameterCount(this);
    }
}
