package dev.annonet.processor.kinds;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.List;
import java.util.Optional;

/**
 * {@code @ReLU(maxValue, negativeSlope, threshold)}: Keras's ReLU layer, the activation machinery's
 * RELU with its three parameters, applied to the input itself (as {@code @Activation}).
 */
final class ReluKind implements SingleInputKind {

    @Override
    public String kerasType() {
        return "ReLU";
    }

    /** Keras's checks (none negative), and maxValue positive: a ReLU capped at 0 would put out zeros only. */
    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        Attribute<Double> maxValue = spec.attribute("maxValue");
        Attribute<Double> negativeSlope = spec.attribute("negativeSlope");
        Attribute<Double> threshold = spec.attribute("threshold");
        if (!(maxValue.value() > 0)) {
            layer.errorAbout(diagnostics, maxValue, "must be positive (Double.POSITIVE_INFINITY for no maximum)");
        }
        if (!(negativeSlope.value() >= 0) || negativeSlope.value().isInfinite()) {
            layer.errorAbout(diagnostics, negativeSlope, "must be finite and not negative");
        }
        if (!(threshold.value() >= 0) || threshold.value().isInfinite()) {
            layer.errorAbout(diagnostics, threshold, "must be finite and not negative");
        }
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        if (!optionsValid(layer)) {
            return Optional.empty();
        }
        LayerSpec spec = layer.spec();
        List<Double> parameters = List.of(spec.<Double>attribute("threshold").value(),
                spec.<Double>attribute("maxValue").value(), spec.<Double>attribute("negativeSlope").value());
        return Optional.of(new ActivationKind.Resolved(input.shape(),
                Optional.of(new ResolvedLayer.Activated(Activation.Kind.RELU, parameters, false))));
    }
}
