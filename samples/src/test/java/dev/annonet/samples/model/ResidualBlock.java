package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Add;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.GlobalAveragePooling2D;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;

/** The residual block of scripts/pytorch/graph_fixtures.py (residual_block_step): the image is also the shortcut. */
@Network
interface ResidualBlock {
    @Input(shape = {8, 8, 4})                                                       Layer image();
    @Conv2D(filters = 4, kernel = 3, padding = Padding.SAME, useBias = false)       Layer conv1();
    @BatchNormalization                                                             Layer norm1();
    @Activation(RELU)                                                               Layer relu1();
    @Conv2D(filters = 4, kernel = 3, padding = Padding.SAME, useBias = false)       Layer conv2();
    @BatchNormalization                                                             Layer norm2();
    @Add(from = {"norm2", "image"})                                                 Layer add();
    @Activation(RELU)                                                               Layer relu();
    @GlobalAveragePooling2D                                                         Layer pool();
    @Dense(units = 5, activation = SOFTMAX)                                         Layer output();
}
