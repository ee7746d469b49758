package dev.annonet.processor.check;

import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.NetworkSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Name resolution ({@code from} and the implicit previous layer) and the checks on the resulting graph. */
final class GraphRules {
    private final NetworkSpec network;
    private final List<LayerNode> nodes;
    private final Diagnostics diagnostics;
    private final Map<LayerNode, LayerNode> inputs = new LinkedHashMap<>();
    /** False once an input did not resolve or inputs form a cycle: the unused-layer check would then mislead. */
    private boolean complete = true;

    private GraphRules(NetworkSpec network, List<LayerNode> nodes, Diagnostics diagnostics) {
        this.network = network;
        this.nodes = nodes;
        this.diagnostics = diagnostics;
    }

    /** Resolves the inputs of {@code nodes} (in declaration order, not empty) and reports what is wrong with them. */
    static LayerGraph resolve(NetworkSpec network, List<LayerNode> nodes, Diagnostics diagnostics) {
        return new GraphRules(network, nodes, diagnostics).resolve();
    }

    private LayerGraph resolve() {
        Map<String, LayerNode> byName = new HashMap<>();
        for (LayerNode node : nodes) {
            byName.putIfAbsent(node.name(), node);
        }
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).spec().takesInput()) {
                resolveInput(nodes.get(i), nodes.get(i).spec().from(), i == 0 ? null : nodes.get(i - 1), byName);
            }
        }
        reportCycles();
        List<LayerNode> outputs = outputs(byName);
        if (complete && !outputs.isEmpty() && reportUnused(outputs)) {
            reportSharedLayers(outputs);
        }
        return new LayerGraph(nodes, inputs, outputs);
    }

    /** The layers {@code @Network(outputs)} names, or the last declared layer when it names none; empty after an error. */
    private List<LayerNode> outputs(Map<String, LayerNode> byName) {
        List<String> names = network.outputs().value();
        if (names.isEmpty()) {
            LayerNode last = nodes.get(nodes.size() - 1);
            if (!last.spec().takesInput()) {
                last.error(diagnostics, "the last declared layer is the network's output, but it is an @Input;"
                        + " declare the output layer last");
                return List.of();
            }
            return List.of(last);
        }
        List<LayerNode> outputs = new ArrayList<>();
        String network = this.network.type().getSimpleName().toString();
        for (int i = 0; i < names.size(); i++) {
            LayerNode output = byName.get(names.get(i));
            String problem = output == null ? "names no layer of " + network
                    : outputs.contains(output) ? "is named twice"
                    : !output.spec().takesInput() ? "is an @Input; an output is a layer that computes from the inputs"
                    : null;
            if (problem == null) {
                outputs.add(output);
            } else {
                diagnostics.error(this.network.outputAt(i), "@Network(outputs = ...): '" + names.get(i) + "' " + problem);
            }
        }
        return outputs.size() == names.size() ? outputs : List.of();
    }

    private void resolveInput(LayerNode node, Attribute<List<String>> from, LayerNode previous, Map<String, LayerNode> byName) {
        String annotation = "@" + node.spec().annotationName();
        if (from.value().isEmpty()) {
            if (previous == null) {
                unresolved(node, from, annotation + " has no input: no layer is declared before it;"
                        + " declare an @Input first or name the input with from");
            } else {
                inputs.put(node, previous);
            }
            return;
        }
        if (from.value().size() > 1) {
            unresolved(node, from, annotation + " takes one input, but " + from.text() + " names " + from.value().size());
        }
        String name = from.value().get(0);
        LayerNode input = byName.get(name);
        if (input == null) {
            unresolved(node, from, from.text() + " names no layer of " + network.type().getSimpleName());
        } else if (input == node) {
            unresolved(node, from, from.text() + " names the layer itself; a layer cannot be its own input");
        } else {
            inputs.put(node, input);
        }
    }

    private void unresolved(LayerNode node, Attribute<?> at, String message) {
        node.error(diagnostics, at, message);
        complete = false;
    }

    /** Reports each cycle once, at a layer whose {@code from} closes it (implicit inputs only point backwards). */
    private void reportCycles() {
        Set<LayerNode> settled = new HashSet<>();
        for (LayerNode start : nodes) {
            List<LayerNode> path = new ArrayList<>();
            LayerNode current = start;
            while (current != null && !settled.contains(current) && !path.contains(current)) {
                path.add(current);
                current = inputs.get(current);
            }
            if (current != null && path.contains(current)) {
                reportCycle(path.subList(path.indexOf(current), path.size()));
            }
            settled.addAll(path);
        }
    }

    private void reportCycle(List<LayerNode> cycle) {
        LayerNode at = cycle.stream()
                .filter(node -> node.spec().from().isWritten())
                .findFirst()
                .orElseThrow();
        List<LayerNode> fromAt = new ArrayList<>(cycle.subList(cycle.indexOf(at), cycle.size()));
        fromAt.addAll(cycle.subList(0, cycle.indexOf(at)));
        String steps = fromAt.stream()
                .map(node -> node.name() + " takes " + inputs.get(node).name())
                .collect(Collectors.joining(", "));
        unresolved(at, at.spec().from(), at.spec().from().text()
                + " makes a cycle of inputs: " + steps);
    }

    /** Every layer takes one input, so the layers an output uses are the chain of inputs from it. True when all are used. */
    private boolean reportUnused(List<LayerNode> outputs) {
        Set<LayerNode> used = new HashSet<>();
        for (LayerNode output : outputs) {
            for (LayerNode node = output; node != null; node = inputs.get(node)) {
                used.add(node);
            }
        }
        String users = outputs.size() == 1 ? "the output '" + outputs.get(0).name() + "'"
                : "any output (" + outputs.stream().map(LayerNode::name).collect(Collectors.joining(", ")) + ")";
        for (LayerNode node : nodes) {
            if (!used.contains(node)) {
                diagnostics.error(node.spec().source(), "'" + node.name() + "' is not used by " + users);
            }
        }
        return used.size() == nodes.size();
    }

    /**
     * Two paths to the loss through one computed layer would each overwrite its gradient: only an
     * {@code @Input}, which needs none, may feed several layers, and an output feeds none.
     */
    private void reportSharedLayers(List<LayerNode> outputs) {
        Map<LayerNode, LayerNode> firstReader = new HashMap<>();
        inputs.forEach((reader, input) -> {
            LayerNode first = firstReader.putIfAbsent(input, reader);
            if (outputs.contains(input)) {
                reader.error(diagnostics, "'" + input.name() + "' is an output, and an output feeds no layer");
            } else if (first != null && input.spec().takesInput()) {
                reader.error(diagnostics, "'" + input.name() + "' already feeds '" + first.name() + "'; only an @Input"
                        + " may feed several layers");
            }
        });
    }
}
