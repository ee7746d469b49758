package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.LSTM;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/** The network of scripts/pytorch/fixtures_lstm.py: two LSTMs, the first returning its sequence. */
@Network
interface StackedLstm {
    @Input(shape = {5, 4})
    Layer x();

    @LSTM(units = 6, returnSequences = true)
    Layer first();

    @LSTM(units = 3)
    Layer second();

    @Dense(units = 4, activation = SOFTMAX)
    Layer output();
}
