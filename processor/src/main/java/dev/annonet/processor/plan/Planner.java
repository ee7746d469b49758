package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.check.CheckedNetwork;
import dev.annonet.processor.kinds.ResolvedLayer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Lowers a checked network to its {@link NetworkPlan}. */
public final class Planner {

    private Planner() {
    }

    public static NetworkPlan plan(CheckedNetwork network) {
        List<CheckedLayer> order = topologicalOrder(network.outputs());
        // Planned twice: the plan with every pre-activation apart tells which ReLUs can run in place.
        MemoryLayout apart = new MemoryLayout(order, network.layers(), Set.of());
        Scheduler apartScheduler = new Scheduler(apart, order, network.outputs());
        List<Block> apartForward = forward(order, apartScheduler);
        Set<CheckedLayer> inPlace = InPlaceRelu.layers(order, network.outputs(), apart, apartScheduler,
                apartForward, backward(order, apartScheduler, apart));
        MemoryLayout memory = new MemoryLayout(order, network.layers(), inPlace);
        Scheduler scheduler = new Scheduler(memory, order, network.outputs());
        List<Block> forward = forward(order, scheduler);
        List<Block> backward = backward(order, scheduler, memory);
        return new NetworkPlan(
                network.type(),
                network.modelName(),
                network.inputs().stream()
                        .map(input -> new NetworkPlan.InputPort(port(input, memory), inputIndexLimit(network.layers(), input)))
                        .toList(),
                network.outputs().stream().map(output -> outputPort(output, memory)).toList(),
                memory.tensors(),
                memory.arenaSize(),
                memory.parameters(),
                scheduler.activationFunctions(),
                scheduler.dropouts(),
                scheduler.windows(),
                network.layers().stream().map(Planner::entry).toList(),
                forward,
                backward,
                smaller(inference(forward, network, memory), inference(apartForward, network, apart)),
                gradients(backward, network, memory));
    }

    private static List<Block> forward(List<CheckedLayer> order, Scheduler scheduler) {
        return order.stream().map(scheduler::forward).toList();
    }

    /** The backward blocks, in reverse topological order. */
    private static List<Block> backward(List<CheckedLayer> order, Scheduler scheduler, MemoryLayout memory) {
        List<Block> backward = new ArrayList<>();
        FinalGradients finals = new FinalGradients(memory);
        for (int i = order.size() - 1; i >= 0; i--) {
            backward.add(finals.after(order.get(i), scheduler.backward(order.get(i))));
        }
        return backward;
    }

    /**
     * The inference arena: liveness over the inference pass of {@code forward} (blocks over
     * {@code memory}'s tensors), the inputs written before it, the outputs and their activations'
     * inputs read after it (an evaluation's loss fused with the activation reads the latter).
     */
    private static NetworkPlan.Inference inference(List<Block> forward, CheckedNetwork network, MemoryLayout memory) {
        Set<ArenaTensor> inputs = new LinkedHashSet<>();
        network.inputs().forEach(input -> inputs.add(MemoryLayout.owner(memory.output(input))));
        Set<ArenaTensor> outputs = new LinkedHashSet<>();
        for (CheckedLayer output : network.outputs()) {
            NetworkPlan.OutputPort port = outputPort(output, memory);
            outputs.add(MemoryLayout.owner(port.port().tensor()));
            outputs.add(MemoryLayout.owner(port.preActivation()));
        }
        List<Op> pass = LivenessLayout.inferencePass(forward);
        LivenessLayout layout = new LivenessLayout(pass, Space.ACTIVATIONS, inputs, outputs);
        return new NetworkPlan.Inference(forward, memory.tensors(), layout.size(), offsets(layout, memory),
                scratchWindows(pass, layout.sharedScratch()));
    }

    /**
     * The smaller inference arena, {@code inPlace}'s when equal. Prediction keeps no pre-activation
     * for backward, so running ReLUs in place saves it nothing, but the aliased tensor lives longer
     * and can pack worse (ResNet50) or better (a ReLU written over its own input).
     */
    private static NetworkPlan.Inference smaller(NetworkPlan.Inference inPlace, NetworkPlan.Inference apart) {
        return apart.activationSize() < inPlace.activationSize() ? apart : inPlace;
    }

    /**
     * The arena of the activations' gradients: liveness over the backward pass, each gradient from
     * the first backward op that writes it (the block of a layer that reads the tensor) to the last
     * that reads it (its producer's block); the loss writes the gradients of the outputs, or of
     * their activations' inputs when it fuses with them, before the pass.
     */
    private static NetworkPlan.Gradients gradients(List<Block> backward, CheckedNetwork network, MemoryLayout memory) {
        Set<ArenaTensor> lossWritten = new LinkedHashSet<>();
        for (CheckedLayer output : network.outputs()) {
            NetworkPlan.OutputPort port = outputPort(output, memory);
            lossWritten.add(MemoryLayout.owner(port.port().tensor()));
            lossWritten.add(MemoryLayout.owner(port.preActivation()));
        }
        LivenessLayout layout = new LivenessLayout(LivenessLayout.everyOp(backward), Space.ACTIVATION_GRADIENTS,
                lossWritten, Set.of());
        return new NetworkPlan.Gradients(layout.size(), offsets(layout, memory));
    }

    /** The offset of each tensor the layout placed, by name, in the order of the training arena's tensors. */
    private static Map<String, Integer> offsets(LivenessLayout layout, MemoryLayout memory) {
        Map<String, Integer> offsets = new LinkedHashMap<>();
        for (ArenaTensor tensor : memory.tensors()) {
            Integer offset = layout.offset(tensor);
            if (offset != null) {
                offsets.put(tensor.name(), offset);
            }
        }
        return offsets;
    }

    /**
     * The windows of the convolutions whose columns are the shared scratch, each once: the scratch
     * is as large as the largest of their columns, which the runtime needs to know to size it to
     * what its backend uses. Fails when another op uses the shared scratch, whose size the runtime
     * could not tell then.
     */
    private static List<WindowPlan> scratchWindows(List<Op> pass, ArenaTensor sharedScratch) {
        if (sharedScratch == null) {
            return List.of();
        }
        Set<WindowPlan> windows = new LinkedHashSet<>();
        for (Op op : pass) {
            if (op instanceof Op.Image image && image.op() instanceof ImageOp.Conv2D conv
                    && conv.columns().region() == sharedScratch) {
                windows.add(conv.window());
            }
        }
        int largest = windows.stream().mapToInt(w -> w.geometry().outputPositions() * w.geometry().patchSize()).max().orElse(0);
        if (largest != sharedScratch.size()) {
            throw new IllegalStateException("the shared scratch holds " + sharedScratch.size()
                    + " values per sample but the convolutions' columns need " + largest + ": another op uses it");
        }
        return List.copyOf(windows);
    }

    /** Inputs before the layers that take them, found from the outputs (every layer leads to one). */
    static List<CheckedLayer> topologicalOrder(List<CheckedLayer> outputs) {
        Set<CheckedLayer> order = new LinkedHashSet<>();
        outputs.forEach(output -> visit(output, order));
        return List.copyOf(order);
    }

    private static void visit(CheckedLayer layer, Set<CheckedLayer> order) {
        for (CheckedLayer input : layer.inputs()) {
            if (!order.contains(input)) {
                visit(input, order);
            }
        }
        order.add(layer);
    }

    /** The smallest index limit of the layers the input feeds (Embeddings), 0 when none reads indices. */
    private static int inputIndexLimit(List<CheckedLayer> layers, CheckedLayer input) {
        return layers.stream()
                .filter(layer -> layer.inputs().contains(input) && layer.layer().indexLimit() > 0)
                .mapToInt(layer -> layer.layer().indexLimit())
                .min()
                .orElse(0);
    }

    private static NetworkPlan.OutputPort outputPort(CheckedLayer output, MemoryLayout memory) {
        Activation.Kind activation = output.layer().activation().map(ResolvedLayer.Activated::kind).orElse(Activation.Kind.LINEAR);
        boolean activated = output.layer().activation().isPresent();
        return new NetworkPlan.OutputPort(port(output, memory), activation,
                activated ? memory.preActivation(output) : memory.output(output));
    }

    private static Port port(CheckedLayer layer, MemoryLayout memory) {
        return new Port(layer.name(), memory.output(layer), layer.shape());
    }

    private static LayerEntry entry(CheckedLayer layer) {
        return new LayerEntry(layer.name(), layer.declaration(), layer.kerasType(), layer.parameterCount(), layer.multiplyAdds(),
                layer.shape(), layer.layer().denseView(), layer.inputs().stream().map(CheckedLayer::name).toList());
    }
}
