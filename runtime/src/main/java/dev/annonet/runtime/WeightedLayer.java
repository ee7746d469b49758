package dev.annonet.runtime;

import dev.annonet.dsl.Layer;
import java.util.List;

/**
 * A layer of a model that has weights: Conv2D (kernel, bias), BatchNormalization (gamma, beta,
 * moving_mean, moving_variance), LSTM (kernel, recurrent_kernel, bias), Embedding (embeddings),
 * Dense ({@link DenseLayer}). Names and layouts are Keras's, as {@code get_weights()} lists them.
 */
public interface WeightedLayer extends Layer {
    /** The layer's weights, trainable ones first (for every layer above that is Keras's order). */
    List<Weights> weights();

    /** The weight named {@code name} ("kernel", "moving_mean", ...); the error lists the layer's names. */
    Weights weight(String name);
}
