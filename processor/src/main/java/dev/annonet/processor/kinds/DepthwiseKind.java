package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import java.util.Optional;

/**
 * {@code @DepthwiseConv2D(kernel, strides, padding, depthMultiplier, dilation, activation, thresholds,
 * useBias)} on (height, width, channels): each channel convolved alone; and, {@code separable},
 * {@code @SeparableConv2D(filters, ...)} with the same options: that, then a 1×1 convolution to
 * {@code filters} channels. Both resolve to a {@link DepthwiseConvolution}.
 */
final class DepthwiseKind implements SingleInputKind {
    private final boolean separable;

    DepthwiseKind(boolean separable) {
        this.separable = separable;
    }

    @Override
    public String kerasType() {
        return separable ? "SeparableConv2D" : "DepthwiseConv2D";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        if (separable) {
            Options.requirePositive(layer, layer.spec().attribute("filters"), diagnostics);
        }
        Options.requirePositive(layer, layer.spec().attribute("depthMultiplier"), diagnostics);
        Windows.checkConvolution(layer, diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        if (!optionsValid(layer) || !Windows.requireImage(layer, input, diagnostics)) {
            return Optional.empty();
        }
        int filters = separable ? layer.spec().<Integer>attribute("filters").value() : 0;
        return DepthwiseConvolution.over(layer, input, filters, diagnostics);
    }
}
