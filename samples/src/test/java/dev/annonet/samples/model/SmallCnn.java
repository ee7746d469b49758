package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.MaxPooling2D;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;

/** The network of scripts/pytorch/fixtures_cnn.py. */
@Network
interface SmallCnn {
    @Input(shape = {8, 8, 2})                                            Layer image();
    @Conv2D(filters = 4, kernel = 3, strides = 2, padding = Padding.SAME) Layer conv();
    @BatchNormalization                                                  Layer norm();
    @Activation(RELU)                                                    Layer relu();
    @MaxPooling2D                                                        Layer pool();
    @Flatten                                                             Layer flat();
    @Dense(units = 3, activation = SOFTMAX)                              Layer output();
}
