package dev.annonet.samples.embedding;

import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Embedding;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/** Three word indices from a vocabulary of five, embedded, then classified. */
@Network
interface TinyEmbedding {
    @Input(shape = 3)
    Layer words();

    @Embedding(inputDim = 5, outputDim = 2)
    Layer embed();

    @Flatten
    Layer flat();

    @Dense(units = 2, activation = SOFTMAX)
    Layer out();
}
