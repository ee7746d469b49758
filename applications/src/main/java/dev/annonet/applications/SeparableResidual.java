package dev.annonet.applications;

import static dev.annonet.dsl.Activation.Kind.RELU;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Add;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Block;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Padding;
import dev.annonet.dsl.SeparableConv2D;

/**
 * A block of Xception's middle flow: three times ReLU, a 3×3 separable convolution of 728 filters
 * and its normalization, added to the block's input ({@code block5_sepconv1_act} ...
 * {@code block5_sepconv3_bn}, then {@code block5_add}).
 */
@Block
public interface SeparableResidual {
    @Activation(RELU)                                                                       Layer _sepconv1_act();
    @SeparableConv2D(filters = 728, kernel = 3, padding = Padding.SAME, useBias = false)    Layer _sepconv1();
    @BatchNormalization                                                                     Layer _sepconv1_bn();
    @Activation(RELU)                                                                       Layer _sepconv2_act();
    @SeparableConv2D(filters = 728, kernel = 3, padding = Padding.SAME, useBias = false)    Layer _sepconv2();
    @BatchNormalization                                                                     Layer _sepconv2_bn();
    @Activation(RELU)                                                                       Layer _sepconv3_act();
    @SeparableConv2D(filters = 728, kernel = 3, padding = Padding.SAME, useBias = false)    Layer _sepconv3();
    @BatchNormalization                                                                     Layer _sepconv3_bn();
    @Add(from = {"_sepconv3_bn", "input"})                                                  Layer _add();
}
