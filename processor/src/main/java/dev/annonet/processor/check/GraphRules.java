package dev.annonet.processor.check;

import dev.annonet.processor.kinds.LayerKinds;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.NetworkSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
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
    private final Map<LayerNode, List<LayerNode>> inputs = new LinkedHashMap<>();
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
            reportOutputsThatFeedLayers(outputs);
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
                inputs.put(node, List.of(previous));
            }
            return;
        }
        if (from.value().size() > 1 && !LayerKinds.of(node.spec()).readsSeveral()) {
            unresolved(node, from, annotation + " takes one input, but " + from.text() + " names " + from.value().size()
                    + "; merge layers (@Add, @Concatenate, ...) take several");
            return;
        }
        List<LayerNode> resolved = new ArrayList<>();
        for (String name : from.value()) {
            LayerNode input = byName.get(name);
            if (input == null) {
                unresolved(node, from, from.text() + " names no layer of " + network.type().getSimpleName()
                        + (from.value().size() > 1 ? ": '" + name + "'" : ""));
            } else if (input == node) {
                unresolved(node, from, from.text() + " names the layer itself; a layer cannot be its own input");
            } else if (resolved.contains(input)) {
                unresolved(node, from, from.text() + " names '" + name + "' twice; a layer reads each input once");
            } else {
                resolved.add(input);
            }
        }
        if (resolved.size() == from.value().size()) {
            inputs.put(node, List.copyOf(resolved));
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
            reportCyclesFrom(start, new ArrayList<>(), settled);
        }
    }

    /** Depth-first over inputs; {@code path} holds the layers being visited, each reading the next. */
    private void reportCyclesFrom(LayerNode node, List<LayerNode> path, Set<LayerNode> settled) {
        if (settled.contains(node)) {
            return;
        }
        int onPath = path.indexOf(node);
        if (onPath >= 0) {
            reportCycle(path.subList(onPath, path.size()));
            return;
        }
        path.add(node);
        for (LayerNode input : inputs.getOrDefault(node, List.of())) {
            reportCyclesFrom(input, path, settled);
        }
        path.remove(path.size() - 1);
        settled.add(node);
    }

    private void reportCycle(List<LayerNode> cycle) {
        LayerNode at = cycle.stream()
                .filter(node -> node.spec().from().isWritten())
                .findFirst()
                .orElseThrow();
        List<LayerNode> fromAt = new ArrayList<>(cycle.subList(cycle.indexOf(at), cycle.size()));
        fromAt.addAll(cycle.subList(0, cycle.indexOf(at)));
        String steps = fromAt.stream()
                .map(node -> node.name() + " takes " + takenAlong(node, fromAt))
                .collect(Collectors.joining(", "));
        unresolved(at, at.spec().from(), at.spec().from().text()
                + " makes a cycle of inputs: " + steps);
    }

    /** The input of {@code node} that the cycle goes on with: the layer after it in {@code cycle}, taken circularly. */
    private static String takenAlong(LayerNode node, List<LayerNode> cycle) {
        int at = cycle.indexOf(node);
        return cycle.get((at + 1) % cycle.size()).name();
    }

    /** The layers the outputs use: those reached from them through inputs. True when all are used. */
    private boolean reportUnused(List<LayerNode> outputs) {
        Set<LayerNode> used = new HashSet<>();
        Deque<LayerNode> pending = new ArrayDeque<>(outputs);
        while (!pending.isEmpty()) {
            LayerNode node = pending.pop();
            if (used.add(node)) {
                pending.addAll(inputs.getOrDefault(node, List.of()));
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
     * An output feeds no layer: the loss writes its gradient (before the output's activation, when
     * fused), which a reader's part could not be added to. Any other layer may feed several.
     */
    private void reportOutputsThatFeedLayers(List<LayerNode> outputs) {
        inputs.forEach((reader, read) -> read.stream()
                .filter(outputs::contains)
                .forEach(input -> reader.error(diagnostics, "'" + input.name() + "' is an output, and an output feeds no layer")));
    }
}
