package dev.annonet.processor.kinds;

import dev.annonet.contract.Initializer;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.Operand;
import dev.annonet.processor.plan.WeightValues;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code @BatchNormalization(momentum, epsilon, center, scale)} over the last axis of an input of any
 * rank: batch statistics while training (the moving ones updated), the moving ones otherwise. Without
 * scale or center the layer has no gamma or beta, and the kernels take 1 and 0 in their place.
 */
final class BatchNormalizationKind implements SingleInputKind {

    private record Resolved(Shape shape, double momentum, double epsilon, boolean center, boolean scale)
            implements ResolvedLayer {

        /** Keras's order: gamma, beta, moving_mean, moving_variance, the absent ones left out. */
        @Override
        public List<Weight> weights() {
            Shape channels = Shape.of(shape.last());
            List<Weight> weights = new ArrayList<>();
            if (scale) {
                weights.add(new Weight("gamma", channels, WeightValues.trained(Initializer.ones())));
            }
            if (center) {
                weights.add(new Weight("beta", channels, WeightValues.trained(Initializer.zeros())));
            }
            weights.add(new Weight("moving_mean", channels, new WeightValues.State(Initializer.zeros())));
            weights.add(new Weight("moving_variance", channels, new WeightValues.State(Initializer.ones())));
            return weights;
        }

        /** The batch's mean and 1/sqrt(var + eps) per channel: the first 2·channels values of this tensor's batch region. */
        @Override
        public Optional<Scratch> scratch() {
            return Optional.of(new Scratch("statistics", 2 * shape.last()));
        }

        @Override
        public List<Op> forward(LayerOps ops) {
            return List.of(new Op.Branch(Op.Condition.TRAINING,
                    List.of(normalize(ops, true, ops.scratch())), List.of(normalize(ops, false, null))));
        }

        private Op normalize(LayerOps ops, boolean training, Operand statistics) {
            return new Op.BatchNorm(training, ops.rows(), shape.last(), momentum, epsilon, ops.x(),
                    ops.parameter("gamma"), ops.parameter("beta"), ops.parameter("moving_mean"),
                    ops.parameter("moving_variance"), statistics, ops.y());
        }

        @Override
        public List<Op> backward(LayerOps ops) {
            return List.of(new Op.BatchNormBackward(ops.rows(), shape.last(), ops.x(),
                    ops.parameter("gamma"), ops.scratch(), ops.dy(), ops.gradient("gamma"), ops.gradient("beta"), ops.dx()));
        }
    }

    @Override
    public String kerasType() {
        return "BatchNormalization";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Attribute<Double> epsilon = layer.spec().attribute("epsilon");
        Options.requireFraction(layer, layer.spec().attribute("momentum"), diagnostics);
        if (!(epsilon.value() > 0) || epsilon.value().isInfinite()) {
            layer.errorAbout(diagnostics, epsilon, "must be positive and finite");
        }
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        if (!optionsValid(layer)) {
            return Optional.empty();
        }
        LayerSpec spec = layer.spec();
        return Optional.of(new Resolved(input.shape(), spec.<Double>attribute("momentum").value(),
                spec.<Double>attribute("epsilon").value(), spec.<Boolean>attribute("center").value(),
                spec.<Boolean>attribute("scale").value()));
    }
}
