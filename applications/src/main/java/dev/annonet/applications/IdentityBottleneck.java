package dev.annonet.applications;

import static dev.annonet.dsl.Activation.Kind.RELU;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Add;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Block;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Padding;
import dev.annonet.dsl.Param;

/**
 * A ResNet50 block after a stage's first (Keras's {@code residual_block_v1} with
 * {@code conv_shortcut=False}): 1×1, 3×3 and 1×1 convolutions, each normalized, added to the
 * block's input.
 */
@Block
public interface IdentityBottleneck {
    @Conv2D(filters = 64, kernel = 1) @Param("filters")                                   Layer _1_conv();
    @BatchNormalization(epsilon = 1.001e-5)                                               Layer _1_bn();
    @Activation(RELU)                                                                     Layer _1_relu();
    @Conv2D(filters = 64, kernel = 3, padding = Padding.SAME) @Param("filters")           Layer _2_conv();
    @BatchNormalization(epsilon = 1.001e-5)                                               Layer _2_bn();
    @Activation(RELU)                                                                     Layer _2_relu();
    @Conv2D(filters = 256, kernel = 1) @Param(value = "expanded", attribute = "filters")  Layer _3_conv();
    @BatchNormalization(epsilon = 1.001e-5)                                               Layer _3_bn();
    @Add(from = {"input", "_3_bn"})                                                       Layer _add();
    @Activation(RELU)                                                                     Layer _out();
}
