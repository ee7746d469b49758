package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.TANH;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.DepthwiseConv2D;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;
import dev.annonet.dsl.SeparableConv2D;

/**
 * Depthwise and separable convolutions in a row, as MobileNet and Xception use them: SAME with
 * strides and a depth multiplier, SAME with dilation, and VALID without a bias.
 */
@Network
interface DepthwiseSeparable {
    @Input(shape = {7, 6, 2})
    Layer x();

    /** (4, 3, 4) */
    @DepthwiseConv2D(kernel = 3, strides = 2, padding = Padding.SAME, depthMultiplier = 2, activation = TANH)
    Layer depthwise();

    /** (4, 3, 3) */
    @SeparableConv2D(filters = 3, kernel = 2, dilation = {1, 2}, padding = Padding.SAME, activation = TANH)
    Layer separable();

    /** (3, 3, 3) */
    @DepthwiseConv2D(kernel = {2, 1}, useBias = false)
    Layer narrow();

    @Flatten
    Layer flat();

    @Dense(units = 2)
    Layer output();
}
