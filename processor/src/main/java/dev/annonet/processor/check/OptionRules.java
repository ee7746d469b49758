package dev.annonet.processor.check;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.read.ActivatedSpec;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.DenseSpec;
import dev.annonet.processor.read.DropoutSpec;
import dev.annonet.processor.read.InputSpec;
import dev.annonet.processor.read.ReshapeSpec;
import java.util.List;
import java.util.Optional;

/** Rules on a layer's options that need no shapes: sizes, rates, thresholds, fixed values. */
final class OptionRules {

    private OptionRules() {
    }

    static void check(LayerNode node, Diagnostics diagnostics) {
        if (node.spec() instanceof InputSpec input) {
            reportShape(node, input.shape(), ShapeRules.inputShapeProblem(input.shape().value()), diagnostics);
        } else if (node.spec() instanceof ReshapeSpec reshape) {
            reportShape(node, reshape.shape(), ShapeRules.reshapeProblem(reshape.shape().value()), diagnostics);
        } else if (node.spec() instanceof DropoutSpec dropout) {
            checkRate(node, dropout, diagnostics);
        } else if (node.spec() instanceof DenseSpec dense) {
            checkDense(node, dense, diagnostics);
        }
        ImageRules.checkOptions(node, diagnostics);
        if (node.spec() instanceof ActivatedSpec activated) {
            checkThresholds(node, activated, diagnostics);
        }
        SequenceRules.checkOptions(node, diagnostics);
    }

    private static void reportShape(LayerNode node, Attribute<List<Integer>> shape, Optional<String> problem,
                                    Diagnostics diagnostics) {
        problem.ifPresent(p -> node.error(diagnostics, shape, node.spec().describe(shape) + " " + p));
    }

    private static void checkRate(LayerNode node, DropoutSpec dropout, Diagnostics diagnostics) {
        double rate = dropout.rate().value();
        if (!(rate >= 0 && rate < 1)) {
            node.error(diagnostics, dropout.rate(), dropout.describe(dropout.rate()) + " must be in [0, 1)");
        }
    }

    private static void checkDense(LayerNode node, DenseSpec dense, Diagnostics diagnostics) {
        if (dense.units().value() <= 0) {
            node.error(diagnostics, dense.units(), dense.describe(dense.units()) + " must be positive");
        }
        if (dense.bias().isWritten() && !dense.useBias().value()) {
            node.error(diagnostics, dense.bias(), "@Dense(bias = ...) is given, but useBias = false");
        }
        for (Attribute<List<Float>> weights : List.of(dense.kernel(), dense.bias())) {
            if (!weights.value().stream().allMatch(Float::isFinite)) {
                node.error(diagnostics, weights, "@Dense(" + weights.name() + " = ...) holds a value that is not finite");
            }
        }
    }

    private static void checkThresholds(LayerNode node, ActivatedSpec activated, Diagnostics diagnostics) {
        Activation.Kind kind = activated.activationKind().value();
        Attribute<List<Double>> thresholds = activated.thresholds();
        List<Double> values = thresholds.value();
        String written = activated.describe(activated.activationKind(), thresholds);
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
}
