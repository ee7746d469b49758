package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SIGMOID;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/**
 * Two inputs and two outputs, small enough to check a step by hand: an image's class (4-way
 * softmax, categorical cross-entropy) and, from a vector of metadata, whether it is even (sigmoid,
 * binary cross-entropy). Each input reaches its own head; once layers merge, the heads can share.
 */
@Network(outputs = {"digit", "even"})
interface DigitParity {
    @Input(shape = 6)
    Layer image();

    @Input(shape = 3)
    Layer metadata();

    @Dense(units = 5, activation = RELU, from = "image")
    Layer hidden();

    @Dense(units = 4, activation = SOFTMAX)
    Layer digit();

    @Dense(units = 1, activation = SIGMOID, from = "metadata")
    Layer even();
}
