package dev.annonet.processor.kinds;

import dev.annonet.contract.Initializer;
import dev.annonet.contract.Window2D;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.Extent;
import dev.annonet.processor.plan.ImageOp;
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
 * A depthwise convolution, Keras's DepthwiseConv2D, and with a pointwise kernel after it its
 * SeparableConv2D. The window's output channels are the depthwise ones, channels · depthMultiplier;
 * a separable layer keeps that depthwise output in its scratch tensor and applies the pointwise
 * (1, 1, depth, filters) kernel as one GEMM over the batch's positions. Kernels in Keras's layout,
 * Glorot-uniform with Keras's fans ((kh, kw, cin, m): kh·kw·cin in, kh·kw·m out); bias zeros;
 * bias and activation added by the planner on rows = batch · positions.
 */
record DepthwiseConvolution(Shape shape, Window2D window, int filters, List<Weight> weights, Optional<Activated> activation)
        implements ResolvedLayer {
    private static final String DEPTHWISE = "depthwise_kernel";
    private static final String POINTWISE = "pointwise_kernel";

    /**
     * The layer over its input, {@code filters} after the depthwise step (0: none, a DepthwiseConv2D);
     * empty when the window does not fit its input (reported).
     */
    static Optional<ResolvedLayer> over(LayerNode layer, LayerInput input, int filters, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        Attribute<List<Integer>> kernel = spec.attribute("kernel");
        Attribute<Integer> multiplier = spec.attribute("depthMultiplier");
        long depth = (long) input.shape().last() * multiplier.value();
        if (depth > Integer.MAX_VALUE) {
            layer.error(diagnostics, multiplier, spec.describe(multiplier) + " gives its input's " + input.shape().last()
                    + " channels " + depth + " filters, more than an array can hold");
            return Optional.empty();
        }
        Optional<Window2D> window = Windows.over(layer, input, kernel, Windows.pair(kernel),
                Windows.pair(spec.attribute("strides")), Windows.pair(spec.attribute("dilation")),
                Windows.border(spec.attribute("padding")), (int) depth, diagnostics);
        if (window.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> outputTooLarge = Shape.tooLarge((long) window.get().outputPositions() * filters);
        outputTooLarge.ifPresent(problem -> layer.error(diagnostics, "its output of " + filters + " filters " + problem));
        if (outputTooLarge.isPresent()) {
            return Optional.empty();
        }
        return Optional.of(resolve(window.get(), multiplier.value(), filters, spec.<Boolean>attribute("useBias").value(),
                Options.of(spec, "activation", true)));
    }

    private static ResolvedLayer resolve(Window2D window, int multiplier, int filters, boolean useBias,
                                         Optional<Activated> activation) {
        int places = window.windowHeight() * window.windowWidth();
        int depth = window.outputChannels();
        List<Weight> weights = new ArrayList<>();
        Shape depthwiseShape = Shape.of(window.windowHeight(), window.windowWidth(), window.inputChannels(), multiplier);
        weights.add(new Weight(DEPTHWISE, depthwiseShape,
                WeightValues.trained(Initializer.glorotUniform(places * window.inputChannels(), places * multiplier))));
        if (filters > 0) {
            weights.add(new Weight(POINTWISE, Shape.of(1, 1, depth, filters),
                    WeightValues.trained(Initializer.glorotUniform(depth, filters))));
        }
        int outputChannels = filters > 0 ? filters : depth;
        if (useBias) {
            weights.add(new Weight("bias", Shape.of(outputChannels), WeightValues.trained(Initializer.zeros())));
        }
        Shape shape = Shape.of(window.outputHeight(), window.outputWidth(), outputChannels);
        return new DepthwiseConvolution(shape, window, filters, List.copyOf(weights), activation);
    }

    @Override
    public long weightUses() {
        return window.outputPositions();
    }

    /** A separable layer's depthwise output, which the pointwise GEMM reads forward and backward. */
    @Override
    public Optional<Scratch> scratch() {
        return filters > 0 ? Optional.of(new Scratch("depthwise", window.outputSize())) : Optional.empty();
    }

    @Override
    public List<Op> forward(LayerOps ops) {
        if (filters == 0) {
            return List.of(new Op.Image(new ImageOp.DepthwiseConv2D(ops.window(window), ops.x(), ops.parameter(DEPTHWISE),
                    ops.z())));
        }
        return List.of(
                new Op.Image(new ImageOp.DepthwiseConv2D(ops.window(window), ops.x(), ops.parameter(DEPTHWISE), ops.scratch())),
                new Op.MatMul(false, false, ops.rows(), Extent.of(filters), Extent.of(window.outputChannels()), ops.scratch(),
                        ops.parameter(POINTWISE), ops.z()));
    }

    @Override
    public List<Op> backward(LayerOps ops) {
        List<Op> backward = new ArrayList<>();
        if (ops.gradient("bias") != null) {
            backward.add(new Op.ColumnSums(ops.rows(), shape.last(), ops.dz(), ops.gradient("bias")));
        }
        boolean depthwiseBackward = ops.gradient(DEPTHWISE) != null || ops.dx() != null;
        if (filters == 0) {
            if (depthwiseBackward) {
                backward.add(depthwiseBackward(ops, ops.dz()));
            }
            return backward;
        }
        Extent depth = Extent.of(window.outputChannels());
        if (ops.gradient(POINTWISE) != null) {
            backward.add(new Op.MatMul(true, false, depth, Extent.of(filters), ops.rows(), ops.scratch(), ops.dz(),
                    ops.gradient(POINTWISE)));
        }
        if (depthwiseBackward) {
            backward.add(new Op.MatMul(false, true, ops.rows(), depth, Extent.of(filters), ops.dz(), ops.parameter(POINTWISE),
                    ops.dScratch()));
            backward.add(depthwiseBackward(ops, ops.dScratch()));
        }
        return backward;
    }

    private Op depthwiseBackward(LayerOps ops, Operand dy) {
        return new Op.Image(new ImageOp.DepthwiseConv2DBackward(ops.window(window), ops.x(), ops.parameter(DEPTHWISE), dy,
                ops.gradient(DEPTHWISE), ops.dx()));
    }
}
