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
import java.util.List;
import java.util.Optional;

/**
 * {@code @BatchNormalization(momentum, epsilon)} over the last axis of an input of any rank: batch
 * statistics while training (the moving ones updated), the moving ones otherwise.
 */
final class BatchNormalizationKind implements SingleInputKind {

    private record Resolved(Shape shape, double momentum, double epsilon) implements ResolvedLayer {

        @Override
        public List<Weight> weights() {
            Shape channels = Shape.of(shape.last());
            return List.of(
                    new Weight("gamma", channels, WeightValues.trained(Initializer.ones())),
                    new Weight("beta", channels, WeightValues.trained(Initializer.zeros())),
                    new Weight("moving_mean", channels, new WeightValues.State(Initializer.zeros())),
                    new Weight("moving_variance", channels, new WeightValues.State(Initializer.ones())));
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
        return Optional.of(new Resolved(input.shape(), layer.spec().<Double>attribute("momentum").value(),
                layer.spec().<Double>attribute("epsilon").value()));
    }
}
