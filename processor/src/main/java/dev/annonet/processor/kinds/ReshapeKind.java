package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.read.Attribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code @Reshape(shape)}: the input's values with another shape (one -1 inferred, as in Keras), in the same memory. */
final class ReshapeKind implements SingleInputKind {

    @Override
    public String kerasType() {
        return "Reshape";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Options.reportProblem(layer, "shape", ReshapeKind::problem, diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        Attribute<List<Integer>> shape = layer.spec().attribute("shape");
        List<Integer> dims = shape.value();
        if (problem(dims).isPresent()) {
            return Optional.empty();
        }
        int size = input.shape().size();
        long known = Shape.count(dims.stream().filter(dim -> dim != -1).toList());
        String written = layer.spec().describe(shape);
        if (dims.contains(-1)) {
            if (size % known != 0) {
                layer.error(diagnostics, shape, written + " cannot hold the " + size + " values of its input '"
                        + input.name() + "': " + size + " is not a multiple of " + known);
                return Optional.empty();
            }
            List<Integer> inferred = new ArrayList<>(dims);
            inferred.set(dims.indexOf(-1), (int) (size / known));
            return Optional.of(new FlattenKind.View(new Shape(inferred)));
        }
        if (known != size) {
            layer.error(diagnostics, shape, written + " holds " + known + " values but its input '"
                    + input.name() + "' holds " + size);
            return Optional.empty();
        }
        return Optional.of(new FlattenKind.View(new Shape(dims)));
    }

    /** What is wrong with the target shape, if anything, before comparing it to the input. */
    private static Optional<String> problem(List<Integer> dims) {
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
}
