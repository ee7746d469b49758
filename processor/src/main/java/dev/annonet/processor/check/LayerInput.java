package dev.annonet.processor.check;

/** The layer another takes as input, with its shape. */
public record LayerInput(LayerNode node, Shape shape) {

    public String name() {
        return node.name();
    }
}
