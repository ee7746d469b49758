package dev.annonet.processor.check;

import dev.annonet.processor.read.DenseSpec;
import dev.annonet.processor.read.FlattenSpec;
import dev.annonet.processor.read.InputSpec;
import dev.annonet.processor.read.ReshapeSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Shape inference: every layer's output shape from its input's, the batch dimension left out, with
 * the checks that need shapes. A layer whose input has no shape (an error reported elsewhere) gets
 * none either, so one mistake is reported once rather than at every layer after it.
 */
final class ShapeRules {
    private final LayerGraph graph;
    private final Diagnostics diagnostics;
    private final Map<LayerNode, Optional<Shape>> shapes = new HashMap<>();
    private final Set<LayerNode> inProgress = new HashSet<>();

    private ShapeRules(LayerGraph graph, Diagnostics diagnostics) {
        this.graph = graph;
        this.diagnostics = diagnostics;
    }

    /** The shapes that could be inferred. */
    static Map<LayerNode, Shape> infer(LayerGraph graph, Diagnostics diagnostics) {
        ShapeRules rules = new ShapeRules(graph, diagnostics);
        Map<LayerNode, Shape> known = new HashMap<>();
        for (LayerNode node : graph.nodes()) {
            rules.shapeOf(node).ifPresent(shape -> known.put(node, shape));
        }
        return known;
    }

    /** What is wrong with an {@code @Input} shape, if anything. */
    static Optional<String> inputShapeProblem(List<Integer> dims) {
        if (dims.isEmpty()) {
            return Optional.of("is empty; give the size of one sample along each axis, e.g. shape = 784");
        }
        if (dims.stream().anyMatch(dim -> dim <= 0)) {
            return Optional.of("has a size that is not positive");
        }
        return tooLarge(Shape.count(dims));
    }

    /** What is wrong with a {@code @Reshape} target, if anything, before comparing it to the input. */
    static Optional<String> reshapeProblem(List<Integer> dims) {
        if (dims.isEmpty()) {
            return Optional.of("is empty; give the new shape of one sample");
        }
        if (dims.stream().filter(dim -> dim == -1).count() > 1) {
            return Optional.of("leaves more than one size to infer; at most one may be -1");
        }
        if (dims.stream().anyMatch(dim -> dim <= 0 && dim != -1)) {
            return Optional.of("has a size that is not positive (one -1, inferred from the others, is allowed)");
        }
        return Optional.empty();
    }

    private static Optional<String> tooLarge(long count) {
        return count > Integer.MAX_VALUE
                ? Optional.of("holds more values than a Java array can (" + Integer.MAX_VALUE + ")")
                : Optional.empty();
    }

    private Optional<Shape> shapeOf(LayerNode node) {
        Optional<Shape> known = shapes.get(node);
        if (known != null) {
            return known;
        }
        if (!inProgress.add(node)) {
            return Optional.empty(); // a cycle, reported by the graph rules
        }
        Optional<Shape> shape = infer(node);
        shapes.put(node, shape);
        return shape;
    }

    private Optional<Shape> infer(LayerNode node) {
        if (node.spec() instanceof InputSpec input) {
            List<Integer> dims = input.shape().value();
            return inputShapeProblem(dims).isPresent() ? Optional.empty() : Optional.of(new Shape(dims));
        }
        LayerNode inputNode = graph.inputOf(node);
        if (inputNode == null) {
            return Optional.empty();
        }
        return shapeOf(inputNode).flatMap(input -> {
            if (node.spec() instanceof DenseSpec dense) {
                return dense(node, dense, inputNode, input);
            }
            if (node.spec() instanceof ReshapeSpec reshape) {
                return reshape(node, reshape, inputNode, input);
            }
            if (ImageRules.owns(node.spec())) {
                return ImageRules.infer(node, inputNode, input, diagnostics);
            }
            if (SequenceRules.isSequenceLayer(node)) {
                return SequenceRules.shape(node, inputNode, input, diagnostics);
            }
            if (node.spec() instanceof FlattenSpec) {
                return Optional.of(Shape.of(input.size()));
            }
            return Optional.of(input); // element-wise: @Activation, @Dropout
        });
    }

    private Optional<Shape> dense(LayerNode node, DenseSpec dense, LayerNode inputNode, Shape input) {
        int units = dense.units().value();
        if (units <= 0) {
            return Optional.empty();
        }
        long kernelSize = (long) input.last() * units;
        if (tooLarge(kernelSize).isPresent()) {
            node.error(diagnostics, dense.units(), dense.describe(dense.units()) + " needs a kernel of " + input.last()
                    + " × " + units + " values, more than a Java array can hold");
            return Optional.empty();
        }
        if (dense.kernel().isWritten() && dense.kernel().value().size() != kernelSize) {
            node.error(diagnostics, dense.kernel(), "@Dense(kernel = ...) holds " + dense.kernel().value().size()
                    + " values, but needs " + input.last() + " × " + units + " = " + kernelSize + ": its input '"
                    + inputNode.name() + "' has " + input.last() + " values on its last axis and units = " + units);
        }
        if (dense.bias().isWritten() && dense.useBias().value() && dense.bias().value().size() != units) {
            node.error(diagnostics, dense.bias(), "@Dense(bias = ...) holds " + dense.bias().value().size()
                    + " values, but needs units = " + units);
        }
        Shape output = input.withLast(units);
        Optional<String> outputTooLarge = tooLarge(Shape.count(output.dims()));
        outputTooLarge.ifPresent(problem -> node.error(diagnostics, "its output " + problem));
        return outputTooLarge.isPresent() ? Optional.empty() : Optional.of(output);
    }

    private Optional<Shape> reshape(LayerNode node, ReshapeSpec reshape, LayerNode inputNode, Shape input) {
        List<Integer> dims = reshape.shape().value();
        if (reshapeProblem(dims).isPresent()) {
            return Optional.empty();
        }
        long known = Shape.count(dims.stream().filter(dim -> dim != -1).toList());
        String written = reshape.describe(reshape.shape());
        if (dims.contains(-1)) {
            if (input.size() % known != 0) {
                node.error(diagnostics, reshape.shape(), written + " cannot hold the " + input.size() + " values of its input '"
                        + inputNode.name() + "': " + input.size() + " is not a multiple of " + known);
                return Optional.empty();
            }
            List<Integer> inferred = new ArrayList<>(dims);
            inferred.set(dims.indexOf(-1), (int) (input.size() / known));
            return Optional.of(new Shape(inferred));
        }
        if (known != input.size()) {
            node.error(diagnostics, reshape.shape(), written + " holds " + known + " values but its input '"
                    + inputNode.name() + "' holds " + input.size());
            return Optional.empty();
        }
        return Optional.of(new Shape(dims));
    }
}
