package dev.annonet.processor.check;

import dev.annonet.processor.kinds.ResolvedLayer;
import java.util.List;

/**
 * A layer of a valid network: its declaration index, name, annotation as written (for comments),
 * Keras's name of its class, the layers it takes as input in {@code from}'s order (none for an
 * {@code @Input}) and what its kind resolved it to: shape, weights, memory and lowering.
 */
public record CheckedLayer(int index, String name, String declaration, String kerasType, List<CheckedLayer> inputs,
                           ResolvedLayer layer) {

    public CheckedLayer {
        inputs = List.copyOf(inputs);
    }

    /**
     * The checker makes one object per layer, so a layer equals only itself. A record's equals and
     * hashCode would walk the inputs again along every path back to the network's input: exponential
     * where branches rejoin (InceptionV3 did not compile in 20 minutes).
     */
    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    /** The input of a layer that reads one, null for an {@code @Input}; a merge layer has {@link #inputs()}. */
    public CheckedLayer input() {
        if (inputs.size() > 1) {
            throw new IllegalStateException(name + " reads " + inputs.size() + " layers, not one");
        }
        return inputs.isEmpty() ? null : inputs.get(0);
    }

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
