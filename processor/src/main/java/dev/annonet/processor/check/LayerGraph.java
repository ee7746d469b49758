package dev.annonet.processor.check;

import java.util.List;
import java.util.Map;

/**
 * The layers in declaration order, the inputs of each (those that resolved, in {@code from}'s order)
 * and the outputs, in the order declared.
 */
record LayerGraph(List<LayerNode> nodes, Map<LayerNode, List<LayerNode>> inputs, List<LayerNode> outputs) {

    List<LayerNode> inputsOf(LayerNode node) {
        return inputs.getOrDefault(node, List.of());
    }
}
