package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.check.CheckedNetwork;
import dev.annonet.processor.read.ActivatedSpec;
import dev.annonet.processor.read.ActivationSpec;
import dev.annonet.processor.read.BatchNormalizationSpec;
import dev.annonet.processor.read.ImageLayerSpec;
import dev.annonet.processor.read.DenseSpec;
import dev.annonet.processor.read.DropoutSpec;
import dev.annonet.processor.read.EmbeddingSpec;
import dev.annonet.processor.read.FlattenSpec;
import dev.annonet.processor.read.InputSpec;
import dev.annonet.processor.read.LayerSpec;
import dev.annonet.processor.read.LstmSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Lowers a checked network to its {@link NetworkPlan}. */
public final class Planner {

    private Planner() {
    }

    public static NetworkPlan plan(CheckedNetwork network) {
        List<CheckedLayer> order = topologicalOrder(network.output());
        MemoryLayout memory = new MemoryLayout(order, network.layers());
        Scheduler scheduler = new Scheduler(memory, order, network.output());
        List<Block> forward = order.stream().map(scheduler::forward).toList();
        List<Block> backward = new ArrayList<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            backward.add(scheduler.backward(order.get(i)));
        }
        CheckedLayer output = network.output();
        Activation.Kind outputActivation = output.spec() instanceof ActivatedSpec activated
                ? activated.activationKind().value()
                : Activation.Kind.LINEAR;
        Tensor outputPreActivation = output.spec() instanceof ActivatedSpec ? memory.preActivation(output) : memory.output(output);
        return new NetworkPlan(
                network.type(),
                network.modelName(),
                port(network.input(), memory),
                inputIndexLimit(network.layers(), network.input()),
                port(output, memory),
                outputActivation,
                outputPreActivation,
                memory.tensors(),
                memory.arenaSize(),
                memory.parameters(),
                scheduler.activationFunctions(),
                scheduler.dropouts(),
                network.layers().stream().map(Planner::entry).toList(),
                forward,
                backward);
    }

    /** Inputs before the layers that take them, found from the output (every layer leads to it). */
    static List<CheckedLayer> topologicalOrder(CheckedLayer output) {
        Set<CheckedLayer> order = new LinkedHashSet<>();
        visit(output, order);
        return List.copyOf(order);
    }

    private static void visit(CheckedLayer layer, Set<CheckedLayer> order) {
        if (layer.input() != null && !order.contains(layer.input())) {
            visit(layer.input(), order);
        }
        order.add(layer);
    }

    /** The smallest table of the Embeddings the input feeds, 0 when it feeds none. */
    private static int inputIndexLimit(List<CheckedLayer> layers, CheckedLayer input) {
        return layers.stream()
                .filter(layer -> layer.input() == input && layer.spec() instanceof EmbeddingSpec)
                .mapToInt(layer -> ((EmbeddingSpec) layer.spec()).inputDim().value())
                .min()
                .orElse(0);
    }

    private static Port port(CheckedLayer layer, MemoryLayout memory) {
        return new Port(layer.name(), memory.output(layer), layer.shape());
    }

    private static LayerEntry entry(CheckedLayer layer) {
        LayerSpec spec = layer.spec();
        return new LayerEntry(layer.name(), spec.describe(), kerasType(spec), layer.parameterCount(), layer.shape(),
                spec instanceof DenseSpec);
    }

    /** The class name Keras's summary shows for the layer. */
    private static String kerasType(LayerSpec spec) {
        if (spec instanceof ImageLayerSpec || spec instanceof BatchNormalizationSpec) {
            return spec.annotationName(); // named as Keras's classes
        }
        if (spec instanceof InputSpec) {
            return "InputLayer";
        }
        if (spec instanceof DenseSpec) {
            return "Dense";
        }
        if (spec instanceof ActivationSpec) {
            return "Activation";
        }
        if (spec instanceof DropoutSpec) {
            return "Dropout";
        }
        if (spec instanceof LstmSpec) {
            return "LSTM";
        }
        if (spec instanceof EmbeddingSpec) {
            return "Embedding";
        }
        return spec instanceof FlattenSpec ? "Flatten" : "Reshape";
    }
}
