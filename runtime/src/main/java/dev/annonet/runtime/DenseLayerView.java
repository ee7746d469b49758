package dev.annonet.runtime;

/** A dense layer's view: its row plus its kernel and optional bias. */
final class DenseLayerView extends LayerView implements DenseLayer {
    private final Weights kernel;
    private final Weights bias;

    /** {@code bias} is null for a layer declared without one. */
    DenseLayerView(NetworkLayout.LayerRow row, Weights kernel, Weights bias) {
        super(row);
        this.kernel = kernel;
        this.bias = bias;
    }

    @Override
    public Weights kernel() {
        return kernel;
    }

    @Override
    public Weights bias() {
        if (bias == null) {
            throw new IllegalStateException("layer '" + name() + "' has no bias: it is declared with useBias = false");
        }
        return bias;
    }
}
