package dev.annonet.processor.check;

import java.util.List;
import java.util.Map;

/** The layers in declaration order, the inputs of each (those that resolved, in {@code from}'s order) and the output, the last layer. */
record LayerGraph(List<LayerNode> nodes, Map<LayerNode, List<LayerNode>> inputs, LayerNode output) {

    List<LayerNode> inputsOf(LayerNode node) {
        return inputs.getOrDefault(node, List.of());
    }
}
