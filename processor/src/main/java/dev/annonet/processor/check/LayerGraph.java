package dev.annonet.processor.check;

import java.util.List;
import java.util.Map;

/** The layers in declaration order, the input of each (where it resolved) and the outputs, in the order declared. */
record LayerGraph(List<LayerNode> nodes, Map<LayerNode, LayerNode> inputs, List<LayerNode> outputs) {

    LayerNode inputOf(LayerNode node) {
        return inputs.get(node);
    }
}
