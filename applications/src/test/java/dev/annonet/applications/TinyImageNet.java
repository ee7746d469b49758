package dev.annonet.applications;

import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/** An ImageNet classifier small enough for a test: 4 × 4 pixels straight into 1000 classes. */
@Network
interface TinyImageNet {
    @Input(shape = {4, 4, 3})                    Layer input_layer();
    @Flatten                                     Layer flatten();
    @Dense(units = 1000, activation = SOFTMAX)   Layer predictions();
}
