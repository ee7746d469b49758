package dev.annonet.samples.sequence;

import dev.annonet.dsl.Embedding;
import dev.annonet.dsl.GRU;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/** Four word indices of a vocabulary of six, embedded in 3 values, read by a GRU of 2 units. */
@Network
interface WordsGru {
    @Input(shape = 4)
    Layer words();

    @Embedding(inputDim = 6, outputDim = 3)
    Layer embed();

    @GRU(units = 2, returnSequences = true)
    Layer gru();
}
