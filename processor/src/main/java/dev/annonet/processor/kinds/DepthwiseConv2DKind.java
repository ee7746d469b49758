package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import java.util.Optional;

/**
 * {@code @DepthwiseConv2D(kernel, strides, padding, depthMultiplier, dilation, activation, thresholds,
 * useBias)} on (height, width, channels): each channel convolved alone (DepthwiseConvolution).
 */
final class DepthwiseConv2DKind implements SingleInputKind {

    @Override
    public String kerasType() {
        return "DepthwiseConv2D";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Options.requirePositive(layer, layer.spec().attribute("depthMultiplier"), diagnostics);
        Windows.checkConvolution(layer, diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        if (!optionsValid(layer) || !Windows.requireImage(layer, input, diagnostics)) {
            return Optional.empty();
        }
        return DepthwiseConvolution.over(layer, input, 0, diagnostics);
    }
}
