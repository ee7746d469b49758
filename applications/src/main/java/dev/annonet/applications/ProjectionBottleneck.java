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
 * The first block of a ResNet50 stage (Keras's {@code residual_block_v1} with
 * {@code conv_shortcut=True}): the shortcut is a 1×1 convolution to four times the bottleneck's
 * filters and its normalization; the 1×1 convolutions that open both paths take the stage's stride.
 */
@Block
public interface ProjectionBottleneck {
    @Conv2D(filters = 256, kernel = 1)
    @Param(value = "expanded", attribute = "filters") @Param(value = "stride", attribute = "strides")  Layer _0_conv();
    @BatchNormalization(epsilon = 1.001e-5)                                                            Layer _0_bn();
    @Conv2D(filters = 64, kernel = 1, from = "input")
    @Param("filters") @Param(value = "stride", attribute = "strides")                                  Layer _1_conv();
    @BatchNormalization(epsilon = 1.001e-5)                                                            Layer _1_bn();
    @Activation(RELU)                                                                                  Layer _1_relu();
    @Conv2D(filters = 64, kernel = 3, padding = Padding.SAME) @Param("filters")                        Layer _2_conv();
    @BatchNormalization(epsilon = 1.001e-5)                                                            Layer _2_bn();
    @Activation(RELU)                                                                                  Layer _2_relu();
    @Conv2D(filters = 256, kernel = 1) @Param(value = "expanded", attribute = "filters")               Layer _3_conv();
    @BatchNormalization(epsilon = 1.001e-5)                                                            Layer _3_bn();
    @Add(from = {"_0_bn", "_3_bn"})                                                                    Layer _add();
    @Activation(RELU)                                                                                  Layer _out();
}
