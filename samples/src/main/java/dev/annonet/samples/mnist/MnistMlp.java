package dev.annonet.samples.mnist;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Dropout;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/** The course's MNIST multilayer perceptron, exactly as its Keras version declares it. */
@Network
public interface MnistMlp {
    @Input(shape = 784)
    Layer image();

    @Dense(units = 512, activation = RELU)
    Layer hidden();

    @Dropout(rate = 0.2)
    Layer dropout();

    @Dense(units = 10, activation = SOFTMAX)
    Layer output();
}
