package dev.annonet.processor.plan;

import dev.annonet.processor.check.Shape;

/**
 * A member as the model class shows it: its accessor (typed {@code DenseLayer} when
 * {@code dense}) and its summary row with Keras's type name, plus its forward work per sample.
 */
public record LayerEntry(String name, String declaration, String kerasType, long parameterCount, long multiplyAdds,
                         Shape shape, boolean dense) {
}
