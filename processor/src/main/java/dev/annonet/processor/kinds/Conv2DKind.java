package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.List;
import java.util.Optional;

/** {@code @Conv2D(filters, kernel, strides, padding, dilation, activation, thresholds, useBias)} on (height, width, channels). */
final class Conv2DKind implements SingleInputKind {

    @Override
    public String kerasType() {
        return "Conv2D";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Options.requirePositive(layer, layer.spec().attribute("filters"), diagnostics);
        Windows.checkConvolution(layer, diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        if (!optionsValid(layer) || !Windows.requireImage(layer, input, diagnostics)) {
            return Optional.empty();
        }
        Attribute<List<Integer>> kernel = spec.attribute("kernel");
        int filters = spec.<Integer>attribute("filters").value();
        return Windows.over(layer, input, kernel, Windows.pair(kernel), Windows.pair(spec.attribute("strides")),
                        Windows.pair(spec.attribute("dilation")), Windows.border(spec.attribute("padding")), filters, diagnostics)
                .map(window -> Convolution.over(window, Windows.outputShape(window),
                        Shape.of(window.windowHeight(), window.windowWidth(), window.inputChannels(), filters),
                        spec.<Boolean>attribute("useBias").value(), Options.of(spec, "activation", true)));
    }
}
