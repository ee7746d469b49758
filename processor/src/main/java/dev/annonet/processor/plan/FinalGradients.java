package dev.annonet.processor.plan;

import dev.annonet.processor.check.CheckedLayer;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which backward block finishes which gradients: after a layer's block, the gradients of the
 * trainable parameters from some offset to the end are final once every parameter there belongs to
 * a layer whose block has run (parameters are laid out in declaration order, backward runs in
 * reverse topological order, so the two need not agree). A data-parallel step starts summing a
 * bucket of gradients over the ranks as soon as its block says so, while backward goes on.
 */
final class FinalGradients {
    /** The trainable parameters, last offset first. */
    private final List<ParameterSlot> fromTheEnd;
    private final Set<String> doneLayers = new HashSet<>();
    /** How many of {@link #fromTheEnd} are final so far. */
    private int finished;

    FinalGradients(MemoryLayout memory) {
        this.fromTheEnd = memory.parameters().stream().filter(ParameterSlot::trainable)
                .sorted(Comparator.comparingInt(ParameterSlot::offset).reversed()).toList();
    }

    /** {@code block}, the backward block of {@code layer}, naming the gradients it finishes, if it finishes any. */
    Block after(CheckedLayer layer, Block block) {
        doneLayers.add(layer.name());
        int before = finished;
        while (finished < fromTheEnd.size() && doneLayers.contains(owner(fromTheEnd.get(finished)))) {
            finished++;
        }
        return finished == before ? block : block.finishing(fromTheEnd.get(finished - 1));
    }

    /** A parameter's layer: its name is {@code <layer>.<what>}. */
    private static String owner(ParameterSlot parameter) {
        return parameter.name().substring(0, parameter.name().lastIndexOf('.'));
    }
}
