package dev.annonet.samples.resnet;

import static dev.annonet.dsl.Activation.Kind.RELU;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Add;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Block;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Padding;
import dev.annonet.dsl.Param;

/** Keras's ResNet basic block whose shortcut is its input: conv-bn-relu, conv-bn, add, relu. */
@Block
public interface IdentityBlock {
    @Conv2D(filters = 16, kernel = 3, padding = Padding.SAME, useBias = false) @Param("filters")  Layer _1_conv();
    @BatchNormalization(momentum = 0.9)                                                          Layer _1_bn();
    @Activation(RELU)                                                                            Layer _1_relu();
    @Conv2D(filters = 16, kernel = 3, padding = Padding.SAME, useBias = false) @Param("filters")  Layer _2_conv();
    @BatchNormalization(momentum = 0.9)                                                          Layer _2_bn();
    @Add(from = {"input", "_2_bn"})                                                              Layer _add();
    @Activation(RELU)                                                                            Layer _out();
}
