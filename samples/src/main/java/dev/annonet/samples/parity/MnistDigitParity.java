package dev.annonet.samples.parity;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SIGMOID;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Concatenate;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/**
 * Two inputs, two outputs: a handwritten digit and a number from 0 to 9 (one-hot); out come the
 * digit's class and whether the digit plus the number is even. The parity head needs both inputs,
 * so it reads the image's features concatenated with the number.
 */
@Network(outputs = {"digit", "even"})
public interface MnistDigitParity {
    @Input(shape = {28, 28, 1})                                         Layer image();
    @Input(shape = 10)                                                  Layer addend();
    @Flatten(from = "image")                                            Layer pixels();
    @Dense(units = 128, activation = RELU)                              Layer features();
    @Dense(units = 10, activation = SOFTMAX)                            Layer digit();
    @Concatenate(from = {"features", "addend"})                         Layer joined();
    @Dense(units = 32, activation = RELU)                               Layer parity();
    @Dense(units = 1, activation = SIGMOID)                             Layer even();
}
