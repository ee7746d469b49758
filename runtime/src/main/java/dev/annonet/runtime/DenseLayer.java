package dev.annonet.runtime;

/** A dense layer of a model: typed access to its weights. */
public interface DenseLayer extends WeightedLayer {
    /** The (inputs, units) kernel. */
    Weights kernel();

    /** The bias; throws IllegalStateException when the layer was declared with useBias = false. */
    Weights bias();
}
