package dev.annonet.runtime;

import dev.annonet.dsl.Layer;

/** A dense layer of a model: typed access to its weights. */
public interface DenseLayer extends Layer {
    /** The (inputs, units) kernel. */
    Weights kernel();

    /** The bias; throws IllegalStateException when the layer was declared with useBias = false. */
    Weights bias();
}
