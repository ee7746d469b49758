package dev.annonet.runtime;

import dev.annonet.dsl.Layer;

/** A layer of a model as its summary row describes it: its name and output shape. */
class LayerView implements Layer {
    private final NetworkLayout.LayerRow row;

    LayerView(NetworkLayout.LayerRow row) {
        this.row = row;
    }

    @Override
    public String name() {
        return row.name();
    }

    @Override
    public int[] outputShape() {
        return row.outputShape().clone();
    }

    @Override
    public String toString() {
        return row.name() + " (" + row.type() + ") " + Summary.batchShape(row.outputShape());
    }
}
