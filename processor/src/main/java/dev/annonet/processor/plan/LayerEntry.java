package dev.annonet.processor.plan;

import dev.annonet.processor.check.Shape;

import java.util.List;

/**
 * A member as the model class shows it: its accessor (typed {@code DenseLayer} when
 * {@code dense}) and its summary row with Keras's type name and the layers it reads, plus its
 * forward work per sample.
 */
public record LayerEntry(String name, String declaration, String kerasType, long parameterCount, long multiplyAdds,
                         Shape shape, boolean dense, List<String> inputs) {
}
