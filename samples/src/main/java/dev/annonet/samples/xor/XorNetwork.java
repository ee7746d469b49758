package dev.annonet.samples.xor;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SIGMOID;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/** The course's XOR network: two hidden ReLU units give the second line a single unit lacks. */
@Network
public interface XorNetwork {
    @Input(shape = 2)
    Layer x();

    @Dense(units = 2, activation = RELU)
    Layer hidden();

    @Dense(units = 1, activation = SIGMOID)
    Layer output();
}
