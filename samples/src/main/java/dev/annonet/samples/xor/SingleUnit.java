package dev.annonet.samples.xor;

import static dev.annonet.dsl.Activation.Kind.HEAVISIDE;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/** One Heaviside unit whose weights the perceptron learning rule adjusts: a line in the plane. */
@Network
public interface SingleUnit {
    @Input(shape = 2)
    Layer x();

    @Dense(units = 1, activation = HEAVISIDE)
    Layer unit();
}
