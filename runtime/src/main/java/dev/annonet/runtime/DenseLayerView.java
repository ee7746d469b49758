package dev.annonet.runtime;

import java.util.List;

/** A dense layer's view: its row plus its kernel and optional bias. */
final class DenseLayerView extends WeightedLayerView implements DenseLayer {
    DenseLayerView(NetworkLayout.LayerRow row, List<Weights> weights) {
        super(row, weights);
    }

    @Override
    public Weights kernel() {
        return weight("kernel");
    }

    @Override
    public Weights bias() {
        Weights bias = weightOrNull("bias");
        if (bias == null) {
            throw new IllegalStateException("layer '" + name() + "' has no bias: it is declared with useBias = false");
        }
        return bias;
    }
}
