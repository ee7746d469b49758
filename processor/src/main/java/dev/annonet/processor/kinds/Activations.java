package dev.annonet.processor.kinds;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.List;
import java.util.Optional;

/** The activation options a layer may carry ({@code activation} or {@code value}, and {@code thresholds}). */
final class Activations {

    private Activations() {
    }

    /** The layer's activation, read from the attribute {@code name}, applied to its own {@code z} or to its input. */
    static Optional<ResolvedLayer.Activated> of(LayerSpec spec, String name, boolean ownPreActivation) {
        Attribute<Activation.Kind> kind = spec.attribute(name);
        Attribute<List<Double>> thresholds = spec.attribute("thresholds");
        return Optional.of(new ResolvedLayer.Activated(kind.value(), thresholds.value(), ownPreActivation));
    }

    /** The thresholds must suit the function: one or none for HEAVISIDE, two ordered for THRESHOLDED_LINEAR, else none. */
    static void checkThresholds(LayerNode node, String name, Diagnostics diagnostics) {
        LayerSpec spec = node.spec();
        Attribute<Activation.Kind> activation = spec.attribute(name);
        Attribute<List<Double>> thresholds = spec.attribute("thresholds");
        Activation.Kind kind = activation.value();
        List<Double> values = thresholds.value();
        String written = spec.describe(activation, thresholds);
        if (kind == Activation.Kind.HEAVISIDE && values.size() > 1) {
            node.error(diagnostics, thresholds, written + ": HEAVISIDE takes one threshold θ (or none: θ = 0)");
        } else if (kind == Activation.Kind.THRESHOLDED_LINEAR && values.size() != 2) {
            node.error(diagnostics, thresholds, written + ": THRESHOLDED_LINEAR takes two thresholds θ1 ≤ θ2");
        } else if (kind == Activation.Kind.THRESHOLDED_LINEAR && values.get(0) > values.get(1)) {
            node.error(diagnostics, thresholds, written + ": θ1 must not exceed θ2");
        } else if (kind != Activation.Kind.HEAVISIDE && kind != Activation.Kind.THRESHOLDED_LINEAR && !values.isEmpty()) {
            node.error(diagnostics, thresholds, written + ": " + kind + " takes no thresholds");
        } else if (!values.stream().allMatch(Double::isFinite)) {
            node.error(diagnostics, thresholds, written + ": thresholds must be finite");
        }
    }

    /** Reports a size that is not positive; true when it is. */
    static boolean requirePositive(LayerNode node, Attribute<Integer> size, Diagnostics diagnostics) {
        if (size.value() <= 0) {
            node.errorAbout(diagnostics, size, "must be positive");
            return false;
        }
        return true;
    }
}
