package dev.annonet.processor.kinds;

import dev.annonet.contract.Initializer;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.Extent;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.WeightValues;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code @Dense(units, activation, thresholds, useBias, kernel, bias)} on the last axis of an input
 * of any rank: {@code z = x · kernel} over rows = batch · every other axis, then bias and activation.
 * A kernel or bias written in the declaration is a constant.
 */
final class DenseKind implements SingleInputKind {

    private record Resolved(Shape shape, int in, int units, List<Weight> weights, Optional<Activated> activation)
            implements ResolvedLayer {

        @Override
        public boolean denseView() {
            return true;
        }

        @Override
        public List<Op> forward(LayerOps ops) {
            return List.of(new Op.MatMul(false, false, ops.rows(), Extent.of(units), Extent.of(in), ops.x(),
                    ops.parameter("kernel"), ops.z()));
        }

        @Override
        public List<Op> backward(LayerOps ops) {
            List<Op> backward = new ArrayList<>();
            if (ops.gradient("kernel") != null) {
                backward.add(new Op.MatMul(true, false, Extent.of(in), Extent.of(units), ops.rows(), ops.x(), ops.dz(),
                        ops.gradient("kernel")));
            }
            if (ops.gradient("bias") != null) {
                backward.add(new Op.ColumnSums(ops.rows(), units, ops.dz(), ops.gradient("bias")));
            }
            if (ops.dx() != null) {
                backward.add(new Op.MatMul(false, true, ops.rows(), Extent.of(in), Extent.of(units), ops.dz(),
                        ops.parameter("kernel"), ops.dx()));
            }
            return backward;
        }
    }

    @Override
    public String kerasType() {
        return "Dense";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        Attribute<List<Float>> bias = spec.attribute("bias");
        Options.requirePositive(layer, spec.attribute("units"), diagnostics);
        if (bias.isWritten() && !spec.<Boolean>attribute("useBias").value()) {
            layer.error(diagnostics, bias, "@Dense(bias = ...) is given, but useBias = false");
        }
        for (Attribute<List<Float>> weights : List.of(spec.<List<Float>>attribute("kernel"), bias)) {
            if (!weights.value().stream().allMatch(Float::isFinite)) {
                layer.error(diagnostics, weights, "@Dense(" + weights.name() + " = ...) holds a value that is not finite");
            }
        }
        Options.checkThresholds(layer, "activation", diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        Attribute<Integer> unitsAttribute = spec.attribute("units");
        Attribute<List<Float>> kernel = spec.attribute("kernel");
        Attribute<List<Float>> bias = spec.attribute("bias");
        boolean useBias = spec.<Boolean>attribute("useBias").value();
        int units = unitsAttribute.value();
        if (units <= 0) {
            return Optional.empty();
        }
        int in = input.shape().last();
        long kernelSize = (long) in * units;
        if (Shape.tooLarge(kernelSize).isPresent()) {
            layer.error(diagnostics, unitsAttribute, spec.describe(unitsAttribute) + " needs a kernel of " + in
                    + " × " + units + " values, more than a Java array can hold");
            return Optional.empty();
        }
        if (kernel.isWritten() && kernel.value().size() != kernelSize) {
            layer.error(diagnostics, kernel, "@Dense(kernel = ...) holds " + kernel.value().size()
                    + " values, but needs " + in + " × " + units + " = " + kernelSize + ": its input '"
                    + input.name() + "' has " + in + " values on its last axis and units = " + units);
        }
        if (bias.isWritten() && useBias && bias.value().size() != units) {
            layer.error(diagnostics, bias, "@Dense(bias = ...) holds " + bias.value().size()
                    + " values, but needs units = " + units);
        }
        Shape output = input.shape().withLast(units);
        Optional<String> outputTooLarge = Shape.tooLarge(Shape.count(output.dims()));
        outputTooLarge.ifPresent(problem -> layer.error(diagnostics, "its output " + problem));
        if (outputTooLarge.isPresent()) {
            return Optional.empty();
        }
        List<ResolvedLayer.Weight> weights = new ArrayList<>();
        weights.add(new ResolvedLayer.Weight("kernel", Shape.of(in, units),
                values(kernel.value(), WeightValues.trained(Initializer.glorotUniform(in, units)))));
        if (useBias) {
            weights.add(new ResolvedLayer.Weight("bias", Shape.of(units),
                    values(bias.value(), WeightValues.trained(Initializer.zeros()))));
        }
        return Optional.of(new Resolved(output, in, units, List.copyOf(weights), Options.of(spec, "activation", true)));
    }

    /** Trained from {@code initial}, or the constant written in the declaration. */
    private static WeightValues values(List<Float> written, WeightValues initial) {
        return written.isEmpty() ? initial : new WeightValues.Fixed(written);
    }
}
