package dev.annonet.processor.check;

import dev.annonet.processor.kinds.LayerKinds;
import dev.annonet.processor.kinds.ResolvedLayer;
import dev.annonet.processor.read.NetworkSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Checks a declaration: every rule runs, every error is collected; a network comes out only when there is none. */
public final class NetworkChecker {

    private NetworkChecker() {
    }

    public static Optional<CheckedNetwork> check(NetworkSpec declared, Diagnostics diagnostics) {
        if (!DeclarationRules.checkType(declared, diagnostics)) {
            return Optional.empty();
        }
        DeclarationRules.checkMembers(declared, diagnostics);
        Optional<BlockExpander.Expansion> expansion = BlockExpander.expand(declared, diagnostics);
        if (expansion.isEmpty()) {
            return Optional.empty();
        }
        NetworkSpec network = expansion.get().network();
        List<LayerNode> nodes = expansion.get().layers();
        if (nodes.stream().noneMatch(node -> !node.spec().takesInput())) {
            diagnostics.error(network.source(), network.type().getSimpleName() + " declares no @Input layer");
        }
        if (nodes.isEmpty()) {
            return Optional.empty();
        }
        LayerGraph graph = GraphRules.resolve(network, nodes, diagnostics);
        nodes.forEach(node -> LayerKinds.of(node.spec()).checkOptions(node, diagnostics));
        Map<LayerNode, ResolvedLayer> resolved = ShapeRules.infer(graph, diagnostics);
        if (diagnostics.hasErrors()) {
            return Optional.empty();
        }
        CheckedNetwork checked = checkedNetwork(network, graph, resolved);
        checkTotals(checked, network, diagnostics);
        return diagnostics.hasErrors() ? Optional.empty() : Optional.of(checked);
    }

    private static CheckedNetwork checkedNetwork(NetworkSpec network, LayerGraph graph, Map<LayerNode, ResolvedLayer> resolved) {
        Map<LayerNode, CheckedLayer> checked = new HashMap<>();
        for (LayerNode node : graph.nodes()) {
            checkedLayer(node, graph, resolved, checked);
        }
        List<CheckedLayer> layers = graph.nodes().stream().map(checked::get).toList();
        List<CheckedLayer> inputs = layers.stream().filter(layer -> layer.inputs().isEmpty()).toList();
        String modelName = network.modelName().value().isEmpty()
                ? network.type().getSimpleName() + "Model"
                : network.modelName().value();
        return new CheckedNetwork(network.type(), modelName, layers, inputs, graph.outputs().stream().map(checked::get).toList());
    }

    /** Inputs first: a layer refers to its inputs' {@link CheckedLayer}s. The graph is acyclic by now. */
    private static CheckedLayer checkedLayer(LayerNode node, LayerGraph graph, Map<LayerNode, ResolvedLayer> resolved,
                                             Map<LayerNode, CheckedLayer> checked) {
        CheckedLayer known = checked.get(node);
        if (known != null) {
            return known;
        }
        List<CheckedLayer> inputs = graph.inputsOf(node).stream()
                .map(inputNode -> checkedLayer(inputNode, graph, resolved, checked))
                .toList();
        CheckedLayer layer = new CheckedLayer(node.index(), node.name(), node.spec().describe(),
                LayerKinds.of(node.spec()).kerasType(), inputs, resolved.get(node));
        checked.put(node, layer);
        return layer;
    }

    /** Parameters and activations each live in one buffer indexed by int. */
    private static void checkTotals(CheckedNetwork checked, NetworkSpec network, Diagnostics diagnostics) {
        long parameters = checked.layers().stream().mapToLong(CheckedLayer::parameterCount).sum();
        // at most a pre-activation, an output and a gradient part per layer, its kept scratch, and the shared scratch
        long activations = checked.layers().stream()
                .mapToLong(layer -> 3L * layer.shape().size() + layer.layer().scratch()
                        .filter(ResolvedLayer.Scratch::keptForBackward).map(ResolvedLayer.Scratch::size).orElse(0))
                .sum()
                + checked.layers().stream()
                .mapToLong(layer -> layer.layer().scratch().filter(s -> !s.keptForBackward())
                        .map(ResolvedLayer.Scratch::size).orElse(0))
                .max().orElse(0);
        long largest = Math.max(parameters, activations);
        if (largest > Integer.MAX_VALUE) {
            diagnostics.error(network.source(), network.type().getSimpleName() + " needs " + largest
                    + " values in one buffer, more than an int can index");
        }
    }
}
