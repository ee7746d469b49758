package dev.annonet.processor.check;

import dev.annonet.processor.kinds.ResolvedLayer;

/**
 * A layer of a valid network: its declaration index, name, annotation as written (for comments),
 * Keras's name of its class, the layer it takes as input (null for an {@code @Input}) and what its
 * kind resolved it to: shape, weights, memory and lowering.
 */
public record CheckedLayer(int index, String name, String declaration, String kerasType, CheckedLayer input,
                           ResolvedLayer layer) {

    public Shape shape() {
        return layer.shape();
    }

    /** Weight values of the layer, fixed ones and moving statistics included, as Keras's summary counts them. */
    public long parameterCount() {
        return layer.weights().stream().mapToLong(weight -> weight.shape().size()).sum();
    }

    /** One sample's forward multiply-adds, estimated as the weights times how often a sample applies them. */
    public long multiplyAdds() {
        return parameterCount() * layer.weightUses();
    }
}
