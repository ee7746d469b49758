package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.Extent;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.Operand;
import dev.annonet.processor.read.Attribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code @Concatenate(axis)}: the inputs joined along one axis, as Keras's Concatenate. Seen as
 * rows (the axes before the joined one) of columns (that axis and those after it), each input
 * fills its own columns of every row: one strided copy per input, and back for the gradients.
 */
final class ConcatenateKind implements LayerKind {

    /** {@code rows} per sample; input i's {@code widths[i]} columns start at column {@code columns[i]} of {@code width}. */
    private record Resolved(Shape shape, int rows, List<Integer> widths) implements ResolvedLayer {

        @Override
        public List<Op> forward(LayerOps ops) {
            List<Op> forward = new ArrayList<>();
            int column = 0;
            for (int i = 0; i < widths.size(); i++) {
                forward.add(new Op.CopyColumns(Extent.perSample(rows), widths.get(i), ops.x(i), widths.get(i), 0,
                        ops.y(), width(), column));
                column += widths.get(i);
            }
            return forward;
        }

        @Override
        public List<Op> backward(LayerOps ops) {
            List<Op> backward = new ArrayList<>();
            int column = 0;
            for (int i = 0; i < widths.size(); i++) {
                Operand dx = ops.dx(i);
                if (dx != null) {
                    backward.add(new Op.CopyColumns(Extent.perSample(rows), widths.get(i), ops.dy(), width(), column,
                            dx, widths.get(i), 0));
                }
                column += widths.get(i);
            }
            return backward;
        }

        private int width() {
            return widths.stream().mapToInt(Integer::intValue).sum();
        }
    }

    @Override
    public String kerasType() {
        return "Concatenate";
    }

    @Override
    public boolean readsSeveral() {
        return true;
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        MergeInputs.checkCount(layer, 2, Integer.MAX_VALUE, diagnostics);
        Attribute<Integer> axis = layer.spec().attribute("axis");
        if (axis.value() == 0) {
            layer.errorAbout(diagnostics, axis, "joins along the batch axis; join along an axis of the samples (-1 is the last)");
        }
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, List<LayerInput> inputs, Diagnostics diagnostics) {
        if (!optionsValid(layer)) {
            return Optional.empty();
        }
        Attribute<Integer> axisAttribute = layer.spec().attribute("axis");
        int rank = inputs.get(0).shape().rank();
        int written = axisAttribute.value();
        int axis = written < 0 ? rank + written : written - 1;
        String annotation = "@" + layer.spec().annotationName();
        if (axis < 0 || axis >= rank) {
            layer.errorAbout(diagnostics, axisAttribute, "is not an axis of inputs of rank " + rank
                    + " (with the batch axis, " + (rank + 1) + "): use 1 to " + rank + ", or -1 to -" + rank);
            return Optional.empty();
        }
        List<Integer> joined = new ArrayList<>(inputs.get(0).shape().dims());
        int along = 0;
        List<Integer> widths = new ArrayList<>();
        for (LayerInput input : inputs) {
            List<Integer> dims = input.shape().dims();
            if (!sameExceptAt(dims, joined, axis)) {
                layer.error(diagnostics, layer.spec().from(), annotation + "(axis = " + written
                        + ") needs inputs of equal shapes except along that axis, but they are " + MergeInputs.shapes(inputs));
                return Optional.empty();
            }
            along += dims.get(axis);
            widths.add((int) Shape.count(dims.subList(axis, dims.size())));
        }
        joined.set(axis, along);
        return Optional.of(new Resolved(new Shape(joined), (int) Shape.count(joined.subList(0, axis)), List.copyOf(widths)));
    }

    private static boolean sameExceptAt(List<Integer> dims, List<Integer> reference, int axis) {
        if (dims.size() != reference.size()) {
            return false;
        }
        for (int i = 0; i < dims.size(); i++) {
            if (i != axis && !dims.get(i).equals(reference.get(i))) {
                return false;
            }
        }
        return true;
    }
}
