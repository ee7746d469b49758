package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.kinds.ResolvedLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where every tensor and parameter lives.
 *
 * <p>Arena: tensors in topological order, each at the next free per-sample offset. Training keeps
 * every activation alive until the backward pass reads it, so no memory is reused; the only
 * sharing is aliasing: Flatten, Reshape and a LINEAR activation name their input's memory, and a
 * Dense layer without activation writes its output where its pre-activation is. Dropout has its
 * own tensor because backward needs the layer before it intact. A scratch tensor that backward
 * reads comes before its layer's outputs; scratch that holds nothing between kernel calls (a
 * convolution's im2col columns) is one region after the tensors, {@value NetworkPlan#SHARED_SCRATCH}, sized
 * to the largest layer's and shared by all of them (backward's column gradients too). A tensor that
 * several layers read (fan-out) also gets a gradient part, where each reader after the first
 * writes its gradient before adding it in: a tensor of the gradient arena alone. A plain ReLU whose
 * pre-activation nothing else reads ({@link InPlaceRelu}) writes its output over it: y aliases z,
 * and backward reads relu' from y (so dy and dz are one gradient too). The gradients are
 * placed apart from these offsets, by liveness over the backward pass ({@link LivenessLayout}).
 *
 * <p>Parameters: trainable ones first, contiguous, so that an optimizer step is one pass over
 * them; then state (moving statistics); fixed (declared) ones last; each group in declaration
 * order, and within a layer in the order its kind lists them.
 */
final class MemoryLayout {
    private final List<ArenaTensor> tensors = new ArrayList<>();
    private final Map<CheckedLayer, ArenaTensor> outputs = new HashMap<>();
    private final Map<CheckedLayer, ArenaTensor> preActivations = new HashMap<>();
    private final Map<CheckedLayer, ArenaTensor> scratch = new HashMap<>();
    private final Map<ArenaTensor, ArenaTensor> gradientParts = new HashMap<>();
    private final List<ParameterSlot> parameters = new ArrayList<>();
    private final Map<String, ParameterSlot> parametersByName = new HashMap<>();
    private final Set<CheckedLayer> inPlace;
    private int arenaSize;
    private int parameterSize;

    /** {@code inPlace}: the layers whose activation writes its output over its pre-activation. */
    MemoryLayout(List<CheckedLayer> topologicalOrder, List<CheckedLayer> declarationOrder, Set<CheckedLayer> inPlace) {
        this.inPlace = Set.copyOf(inPlace);
        topologicalOrder.forEach(this::placeTensors);
        placeSharedScratch(topologicalOrder);
        placeGradientParts(topologicalOrder);
        place(declarationOrder, WeightValues::trainable);
        place(declarationOrder, values -> values instanceof WeightValues.State);
        place(declarationOrder, values -> values instanceof WeightValues.Fixed);
    }

    List<ArenaTensor> tensors() {
        return List.copyOf(tensors);
    }

    int arenaSize() {
        return arenaSize;
    }

    List<ParameterSlot> parameters() {
        return List.copyOf(parameters);
    }

    ArenaTensor output(CheckedLayer layer) {
        return outputs.get(layer);
    }

    /** The input of the layer's activation function: a Dense layer's {@code z}, an Activation layer's input. */
    ArenaTensor preActivation(CheckedLayer layer) {
        return preActivations.get(layer);
    }

    /** Whether the layer's activation writes its output over its pre-activation (y aliases z). */
    boolean inPlace(CheckedLayer layer) {
        return inPlace.contains(layer);
    }

    /** The layer's scratch tensor (Conv2D's im2col columns, an LSTM's workspace), null when it has none. */
    ArenaTensor scratch(CheckedLayer layer) {
        return scratch.get(layer);
    }

    /** The tensor whose memory {@code tensor} is: itself, or the one it aliases. */
    static ArenaTensor owner(ArenaTensor tensor) {
        return tensor.aliasOf() == null ? tensor : tensor.aliasOf();
    }

    /** Where a later reader of {@code owner} (a tensor with its own memory) writes its part of the gradient; null when one layer reads it. */
    ArenaTensor gradientPart(ArenaTensor owner) {
        return gradientParts.get(owner);
    }

    /** The layer's parameter {@code <layer>.<what>}, null when it has none. */
    ParameterSlot parameter(CheckedLayer layer, String what) {
        return parametersByName.get(layer.name() + "." + what);
    }

    /** Whether any of the layer's parameters is trained. */
    boolean trains(CheckedLayer layer) {
        return parameters.stream().anyMatch(p -> p.trainable() && p.name().startsWith(layer.name() + "."));
    }

    private void placeTensors(CheckedLayer layer) {
        ResolvedLayer resolved = layer.layer();
        resolved.scratch()
                .filter(ResolvedLayer.Scratch::keptForBackward)
                .ifPresent(s -> scratch.put(layer, allocate(layer.name() + "." + s.what(), s.size())));
        if (resolved.activation().isPresent()) {
            ResolvedLayer.Activated activated = resolved.activation().get();
            ArenaTensor z = activated.ownPreActivation()
                    ? allocate(layer.name() + ".z", layer.shape().size())
                    : outputs.get(layer.input());
            preActivations.put(layer, z);
            outputs.put(layer, activated.kind() == Activation.Kind.LINEAR || inPlace.contains(layer)
                    ? alias(layer.name(), z)
                    : allocate(layer.name(), layer.shape().size()));
        } else if (resolved.sharesInputMemory()) {
            outputs.put(layer, alias(layer.name(), outputs.get(layer.input())));
        } else {
            outputs.put(layer, allocate(layer.name(), layer.shape().size()));
        }
    }

    /** One region for the scratch that holds nothing between calls, as large as the largest layer's. */
    private void placeSharedScratch(List<CheckedLayer> topologicalOrder) {
        List<CheckedLayer> sharing = topologicalOrder.stream()
                .filter(layer -> layer.layer().scratch().filter(s -> !s.keptForBackward()).isPresent())
                .toList();
        if (sharing.isEmpty()) {
            return;
        }
        int largest = sharing.stream().mapToInt(layer -> layer.layer().scratch().orElseThrow().size()).max().orElseThrow();
        ArenaTensor shared = allocate(NetworkPlan.SHARED_SCRATCH, largest);
        sharing.forEach(layer -> scratch.put(layer, shared));
    }

    /**
     * A gradient part for each tensor that more than one layer reads through its own memory: a
     * Flatten, a Reshape or a LINEAR activation passes its input's memory on and counts as no reader.
     */
    private void placeGradientParts(List<CheckedLayer> topologicalOrder) {
        Map<ArenaTensor, Integer> readers = new LinkedHashMap<>();
        for (CheckedLayer layer : topologicalOrder) {
            for (CheckedLayer input : layer.inputs()) {
                ArenaTensor read = owner(outputs.get(input));
                if (read != owner(outputs.get(layer))) {
                    readers.merge(read, 1, Integer::sum);
                }
            }
        }
        readers.forEach((tensor, count) -> {
            if (count > 1) {
                ArenaTensor part = ArenaTensor.gradientOnly(readName(tensor, topologicalOrder) + ".gradient_part", tensor.size());
                tensors.add(part);
                gradientParts.put(tensor, part);
            }
        });
    }

    /** The name of what the readers of {@code owner} read: an in-place ReLU's output rather than the pre-activation it was written over. */
    private String readName(ArenaTensor owner, List<CheckedLayer> topologicalOrder) {
        return topologicalOrder.stream()
                .filter(layer -> inPlace.contains(layer) && owner(preActivations.get(layer)) == owner)
                .map(layer -> outputs.get(layer).name())
                .findFirst()
                .orElse(owner.name());
    }

    private ArenaTensor allocate(String name, int size) {
        ArenaTensor tensor = new ArenaTensor(name, arenaSize, size, null);
        arenaSize = Math.addExact(arenaSize, size); // NetworkChecker refused a network that could pass it
        tensors.add(tensor);
        return tensor;
    }

    private ArenaTensor alias(String name, ArenaTensor of) {
        ArenaTensor owner = owner(of);
        ArenaTensor tensor = new ArenaTensor(name, owner.offset(), owner.size(), owner);
        tensors.add(tensor);
        return tensor;
    }

    /** Places the layers' weights of one group. */
    private void place(List<CheckedLayer> layers, Predicate<WeightValues> group) {
        for (CheckedLayer layer : layers) {
            for (ResolvedLayer.Weight weight : layer.layer().weights()) {
                if (group.test(weight.values())) {
                    add(new ParameterSlot(layer.name() + "." + weight.what(), parameterSize, weight.shape(), weight.values()));
                }
            }
        }
    }

    private void add(ParameterSlot parameter) {
        parameterSize += parameter.shape().size();
        parameters.add(parameter);
        parametersByName.put(parameter.name(), parameter);
    }
}
