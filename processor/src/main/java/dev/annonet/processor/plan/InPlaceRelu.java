package dev.annonet.processor.plan;

import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.kinds.ResolvedLayer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The layers whose plain ReLU can write its output over its pre-activation: backward reads relu'
 * from y as well as from z (y > 0 exactly where z > 0, NaN in both or neither), so z need not be
 * kept, which halves such a layer's training memory (PyTorch's {@code ReLU(inplace=True)}).
 *
 * <p>Found from a plan that keeps z and y apart: a layer qualifies when its activation is a plain
 * ReLU that the scheduler applies ({@link Op.BiasActivation}, not a kind's own op), it is not an
 * output (a loss may read an output's pre-activation; an output feeds no layer, so no other
 * layer's pre-activation is what the loss reads), and no op reads the memory of its
 * pre-activation but those of the layer that writes it (its own forward block, or its input's
 * producer's for an Activation layer), the layer's own forward block and its activation backward.
 * A Dense or convolution's {@code z} then holds y; an Activation layer's input, which no other
 * layer reads and whose producer's backward does not read it (a BatchNormalization's, an Add's),
 * holds its output. An input's memory, which the runtime writes, is never overwritten.
 */
final class InPlaceRelu {

    private InPlaceRelu() {
    }

    /**
     * {@code forward} and {@code backward}: the blocks of {@code memory}'s plan, forward in
     * {@code order}, backward in reverse.
     */
    static Set<CheckedLayer> layers(List<CheckedLayer> order, List<CheckedLayer> outputs, MemoryLayout memory,
                                    Scheduler scheduler, List<Block> forward, List<Block> backward) {
        Set<CheckedLayer> inPlace = new LinkedHashSet<>();
        for (int i = 0; i < order.size(); i++) {
            CheckedLayer layer = order.get(i);
            ResolvedLayer resolved = layer.layer();
            if (resolved.activation().isEmpty() || resolved.appliesActivation() || outputs.contains(layer)
                    || !scheduler.function(layer, resolved.activation().get()).plainRelu()) {
                continue;
            }
            ArenaTensor z = MemoryLayout.owner(memory.preActivation(layer));
            CheckedLayer producer = producer(z, order, memory);
            if (producer.inputs().isEmpty()) {
                continue; // the runtime's input, which it may read again
            }
            Set<Op> allowed = Collections.newSetFromMap(new IdentityHashMap<>());
            allowed.addAll(LivenessLayout.everyOp(List.of(forward.get(i))));
            allowed.addAll(LivenessLayout.everyOp(List.of(forward.get(order.indexOf(producer)))));
            LivenessLayout.everyOp(List.of(backward.get(order.size() - 1 - i))).stream()
                    .filter(op -> op instanceof Op.ActivationBackward)
                    .forEach(allowed::add);
            boolean readElsewhere = LivenessLayout.everyOp(forward).stream()
                    .anyMatch(op -> !allowed.contains(op) && names(op, z))
                    || LivenessLayout.everyOp(backward).stream().anyMatch(op -> !allowed.contains(op) && names(op, z));
            if (!readElsewhere) {
                inPlace.add(layer);
            }
        }
        return inPlace;
    }

    /** The layer whose output (or pre-activation) owns the memory {@code owner}. */
    private static CheckedLayer producer(ArenaTensor owner, List<CheckedLayer> order, MemoryLayout memory) {
        return order.stream()
                .filter(layer -> memory.output(layer) == owner
                        || layer.layer().activation().isPresent() && memory.preActivation(layer) == owner)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no layer writes " + owner.name()));
    }

    /** Whether the op names {@code owner}'s memory in the activation arena. */
    private static boolean names(Op op, ArenaTensor owner) {
        return LivenessLayout.tensors((Record) op, Space.ACTIVATIONS).stream().anyMatch(t -> MemoryLayout.owner(t) == owner);
    }
}
