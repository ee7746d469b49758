package dev.annonet.samples.lstm;

import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.LSTM;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/**
 * The course's recurrent MNIST classifier: each image read as a sequence of its 28 rows of 28
 * pixels, as the Keras version declares it with {@code Input(shape=(28, 28))}.
 */
@Network
public interface MnistLstm {
    @Input(shape = {28, 28})
    Layer rows();

    @LSTM(units = 128)
    Layer lstm();

    @Dense(units = 10, activation = SOFTMAX)
    Layer output();
}
