package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import java.util.Optional;

/**
 * {@code @SeparableConv2D(filters, kernel, strides, padding, depthMultiplier, dilation, activation,
 * thresholds, useBias)} on (height, width, channels): a depthwise convolution, then a 1×1 one to
 * {@code filters} channels (DepthwiseConvolution with a pointwise kernel).
 */
final class SeparableConv2DKind implements SingleInputKind {

    @Override
    public String kerasType() {
        return "SeparableConv2D";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Options.requirePositive(layer, layer.spec().attribute("filters"), diagnostics);
        Options.requirePositive(layer, layer.spec().attribute("depthMultiplier"), diagnostics);
        Windows.checkConvolution(layer, diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        if (!optionsValid(layer) || !Windows.requireImage(layer, input, diagnostics)) {
            return Optional.empty();
        }
        return DepthwiseConvolution.over(layer, input, layer.spec().<Integer>attribute("filters").value(), diagnostics);
    }
}
