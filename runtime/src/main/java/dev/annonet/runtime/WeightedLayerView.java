package dev.annonet.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A layer's view with its weights, by their short names. */
class WeightedLayerView extends LayerView implements WeightedLayer {
    private final Map<String, Weights> weights = new LinkedHashMap<>();

    WeightedLayerView(NetworkLayout.LayerRow row, List<Weights> weights) {
        super(row);
        for (Weights w : weights) {
            this.weights.put(w.name().substring(row.name().length() + 1), w);
        }
    }

    @Override
    public List<Weights> weights() {
        return List.copyOf(weights.values());
    }

    @Override
    public Weights weight(String name) {
        Weights w = weights.get(name);
        if (w == null) {
            throw new IllegalArgumentException("layer '" + name() + "' has no weight '" + name + "'; it has " + weights.keySet());
        }
        return w;
    }

    /** The weight {@code name}, or null. */
    Weights weightOrNull(String name) {
        return weights.get(name);
    }
}
