package dev.annonet.processor.check;

import dev.annonet.processor.kinds.LayerKinds;
import dev.annonet.processor.kinds.ResolvedLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Shape inference: every layer resolved by its kind over its inputs' shapes, the batch dimension
 * left out, with the checks that need shapes. A layer with an input that has no shape (an error
 * reported elsewhere) gets none either, so one mistake is reported once rather than at every layer after it.
 */
final class ShapeRules {
    private final LayerGraph graph;
    private final Diagnostics diagnostics;
    private final Map<LayerNode, Optional<ResolvedLayer>> resolved = new HashMap<>();
    private final Set<LayerNode> inProgress = new HashSet<>();

    private ShapeRules(LayerGraph graph, Diagnostics diagnostics) {
        this.graph = graph;
        this.diagnostics = diagnostics;
    }

    /** The layers that could be resolved. */
    static Map<LayerNode, ResolvedLayer> infer(LayerGraph graph, Diagnostics diagnostics) {
        ShapeRules rules = new ShapeRules(graph, diagnostics);
        Map<LayerNode, ResolvedLayer> known = new HashMap<>();
        for (LayerNode node : graph.nodes()) {
            rules.resolve(node).ifPresent(layer -> known.put(node, layer));
        }
        return known;
    }

    private Optional<ResolvedLayer> resolve(LayerNode node) {
        Optional<ResolvedLayer> known = resolved.get(node);
        if (known != null) {
            return known;
        }
        if (!inProgress.add(node)) {
            return Optional.empty(); // a cycle, reported by the graph rules
        }
        Optional<ResolvedLayer> layer = infer(node);
        resolved.put(node, layer);
        return layer;
    }

    private Optional<ResolvedLayer> infer(LayerNode node) {
        if (node.spec().takesInput() && graph.inputsOf(node).isEmpty()) {
            return Optional.empty();
        }
        List<LayerInput> inputs = new ArrayList<>();
        for (LayerNode inputNode : graph.inputsOf(node)) {
            Optional<ResolvedLayer> input = resolve(inputNode);
            if (input.isEmpty()) {
                return Optional.empty();
            }
            inputs.add(new LayerInput(inputNode, input.get().shape()));
        }
        return LayerKinds.of(node.spec()).resolve(node, List.copyOf(inputs), diagnostics);
    }
}
