package dev.annonet.processor.kinds;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Checks and readings of options that several kinds share: sizes, fractions, shapes, the activation. */
final class Options {

    private Options() {
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

    /** Reports a value outside [0, 1). */
    static void requireFraction(LayerNode node, Attribute<Double> fraction, Diagnostics diagnostics) {
        if (!(fraction.value() >= 0 && fraction.value() < 1)) {
            node.errorAbout(diagnostics, fraction, "must be in [0, 1)");
        }
    }

    /** Reports what is wrong with a list of sizes, if anything: {@code problem} says it after the attribute. */
    static void reportProblem(LayerNode node, String attribute, Function<List<Integer>, Optional<String>> problem,
                              Diagnostics diagnostics) {
        Attribute<List<Integer>> sizes = node.spec().attribute(attribute);
        problem.apply(sizes.value()).ifPresent(text -> node.errorAbout(diagnostics, sizes, text));
    }
}
