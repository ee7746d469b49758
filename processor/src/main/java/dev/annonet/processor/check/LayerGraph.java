package dev.annonet.processor.check;

import java.util.List;
import java.util.Map;

/**
 * The layers and the input each one takes. {@code inputs} holds the edges that resolved;
 * {@code complete} is false when some did not or when they form a cycle, which makes the
 * checks that walk the whole graph (unused layers) meaningless.
 */
record LayerGraph(List<LayerNode> nodes, Map<LayerNode, LayerNode> inputs, LayerNode output, boolean complete) {

    LayerNode inputOf(LayerNode node) {
        return inputs.get(node);
    }
}
