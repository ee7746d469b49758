package dev.annonet.samples.resnet;

import static dev.annonet.dsl.Activation.Kind.RELU;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Add;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Block;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Padding;

/**
 * Keras's ResNet basic block that changes the shape: the shortcut is a strided 1×1 convolution and
 * its batch normalization, and the first 3×3 convolution strides as much.
 */
@Block
public interface ProjectionBlock {
    @Conv2D(filters = 32, kernel = 1, strides = 2, padding = Padding.SAME, useBias = false)      Layer _0_conv();
    @BatchNormalization(momentum = 0.9)                                                          Layer _0_bn();
    @Conv2D(filters = 32, kernel = 3, strides = 2, padding = Padding.SAME, useBias = false, from = "input")  Layer _1_conv();
    @BatchNormalization(momentum = 0.9)                                                          Layer _1_bn();
    @Activation(RELU)                                                                            Layer _1_relu();
    @Conv2D(filters = 32, kernel = 3, padding = Padding.SAME, useBias = false)                   Layer _2_conv();
    @BatchNormalization(momentum = 0.9)                                                          Layer _2_bn();
    @Add(from = {"_0_bn", "_2_bn"})                                                              Layer _add();
    @Activation(RELU)                                                                            Layer _out();
}
