package dev.annonet.processor.kinds;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.Extent;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.Operand;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * {@code @Add}, {@code @Subtract}, {@code @Multiply}, {@code @Average}, {@code @Maximum},
 * {@code @Minimum}: inputs of one shape combined value by value, one merge op per input (Keras
 * folds its inputs left to right the same way). Add, Subtract and Average are weighted sums;
 * Maximum and Minimum record which input each value came from, so that its gradient goes there
 * (the first of equal inputs, as TensorFlow's {@code maximum} and {@code minimum} choose).
 */
final class ElementwiseMergeKind implements LayerKind {
    /** Each input's factor (a SUM's; the other merges ignore them), from the options and the number of inputs. */
    private interface Scales {
        List<Double> of(LayerSpec spec, int inputs);
    }

    private static final Scales ONES = (spec, inputs) -> Collections.nCopies(inputs, 1.0);

    private final String kerasType;
    private final Op.MergeKind merge;
    private final int mostInputs;
    private final Scales scales;
    /** Add's {@code scales}, {@code activation} and {@code thresholds}; the other merges have no options. */
    private final boolean hasOptions;

    private ElementwiseMergeKind(String kerasType, Op.MergeKind merge, int mostInputs, Scales scales, boolean hasOptions) {
        this.kerasType = kerasType;
        this.merge = merge;
        this.mostInputs = mostInputs;
        this.scales = scales;
        this.hasOptions = hasOptions;
    }

    static ElementwiseMergeKind add() {
        return new ElementwiseMergeKind("Add", Op.MergeKind.SUM, Integer.MAX_VALUE, (spec, inputs) -> {
            List<Double> written = spec.<List<Double>>attribute("scales").value();
            return written.isEmpty() ? ONES.of(spec, inputs) : written;
        }, true);
    }

    static ElementwiseMergeKind subtract() {
        return new ElementwiseMergeKind("Subtract", Op.MergeKind.SUM, 2, (spec, inputs) -> List.of(1.0, -1.0), false);
    }

    static ElementwiseMergeKind multiply() {
        return new ElementwiseMergeKind("Multiply", Op.MergeKind.PRODUCT, Integer.MAX_VALUE, ONES, false);
    }

    static ElementwiseMergeKind average() {
        return new ElementwiseMergeKind("Average", Op.MergeKind.SUM, Integer.MAX_VALUE,
                (spec, inputs) -> Collections.nCopies(inputs, 1.0 / inputs), false);
    }

    static ElementwiseMergeKind maximum() {
        return new ElementwiseMergeKind("Maximum", Op.MergeKind.MAXIMUM, Integer.MAX_VALUE, ONES, false);
    }

    static ElementwiseMergeKind minimum() {
        return new ElementwiseMergeKind("Minimum", Op.MergeKind.MINIMUM, Integer.MAX_VALUE, ONES, false);
    }

    /** {@code scales}: each input's factor in a SUM; {@code activation}: Add's, applied to the sum (then written to z). */
    private record Resolved(Shape shape, Op.MergeKind merge, List<Double> scales, Optional<Activated> activation)
            implements ResolvedLayer {

        @Override
        public Optional<Scratch> scratch() {
            return chooses() ? Optional.of(new Scratch("chosen", shape.size())) : Optional.empty();
        }

        /** An element-wise function goes into the last input's pass; softmax is row-wise, and LINEAR's y is z. */
        @Override
        public boolean appliesActivation() {
            return activation.filter(a -> a.kind() != Activation.Kind.SOFTMAX && a.kind() != Activation.Kind.LINEAR).isPresent();
        }

        @Override
        public List<Op> forward(LayerOps ops) {
            Operand y = activation.isPresent() ? ops.z() : ops.y();
            Operand chosen = chooses() ? ops.scratch() : null;
            List<Op> forward = new ArrayList<>();
            int last = scales.size() - 1;
            for (int i = 0; i < last; i++) {
                forward.add(new Op.Merge(merge, i, scales.get(i), count(), ops.x(i), y, chosen));
            }
            forward.add(appliesActivation()
                    ? new Op.Merge(merge, last, scales.get(last), count(), ops.x(last), y, chosen, ops.activationFunction(), ops.y())
                    : new Op.Merge(merge, last, scales.get(last), count(), ops.x(last), y, chosen));
            return forward;
        }

        @Override
        public List<Op> backward(LayerOps ops) {
            Operand dy = activation.isPresent() ? ops.dz() : ops.dy();
            List<Op> backward = new ArrayList<>();
            for (int i = 0; i < scales.size(); i++) {
                Operand dx = ops.dx(i);
                if (dx == null) {
                    continue;
                }
                switch (merge) {
                    case SUM -> backward.add(new Op.Merge(Op.MergeKind.SUM, 0, scales.get(i), count(), dy, dx, null));
                    case PRODUCT -> {
                        backward.add(new Op.Merge(Op.MergeKind.PRODUCT, 0, 1, count(), dy, dx, null));
                        for (int other = 0; other < scales.size(); other++) {
                            if (other != i) {
                                backward.add(new Op.Merge(Op.MergeKind.PRODUCT, 1, 1, count(), ops.x(other), dx, null));
                            }
                        }
                    }
                    case MAXIMUM, MINIMUM -> backward.add(new Op.MergeChosenBackward(i, count(), ops.scratch(), dy, dx));
                }
            }
            return backward;
        }

        private boolean chooses() {
            return merge == Op.MergeKind.MAXIMUM || merge == Op.MergeKind.MINIMUM;
        }

        private Extent count() {
            return Extent.perSample(shape.size());
        }
    }

    @Override
    public String kerasType() {
        return kerasType;
    }

    @Override
    public boolean readsSeveral() {
        return true;
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        MergeInputs.checkCount(layer, 2, mostInputs, diagnostics);
        if (hasOptions) {
            Options.checkThresholds(layer, "activation", diagnostics);
            Attribute<List<Double>> scales = layer.spec().attribute("scales");
            int inputs = layer.spec().from().value().size();
            if (!scales.value().isEmpty() && scales.value().size() != inputs) {
                layer.errorAbout(diagnostics, scales, "gives " + scales.value().size() + " scales for " + inputs
                        + " inputs; give one per input, or none for all 1");
            } else if (!scales.value().stream().allMatch(Double::isFinite)) {
                layer.errorAbout(diagnostics, scales, "must be finite");
            }
        }
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, List<LayerInput> inputs, Diagnostics diagnostics) {
        if (!optionsValid(layer)) {
            return Optional.empty();
        }
        Shape shape = inputs.get(0).shape();
        if (inputs.stream().anyMatch(input -> !input.shape().equals(shape))) {
            layer.error(diagnostics, layer.spec().from(), "@" + layer.spec().annotationName()
                    + " needs inputs of one shape, but they are " + MergeInputs.shapes(inputs));
            return Optional.empty();
        }
        LayerSpec spec = layer.spec();
        Optional<ResolvedLayer.Activated> activation = hasOptions ? Options.of(spec, "activation", true) : Optional.empty();
        return Optional.of(new Resolved(shape, merge, scales.of(spec, inputs.size()), activation));
    }
}
