package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.DepthwiseConv2D;
import dev.annonet.dsl.GlobalAveragePooling2D;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.SeparableConv2D;

/** MobileNet's and Xception's layers with weights, for Keras .h5 loading: depthwise, BN without gamma, separable. */
@Network
interface SmallSeparable {
    @Input(shape = {8, 8, 3})                                          Layer image();
    @DepthwiseConv2D(kernel = 3, depthMultiplier = 2, useBias = false) Layer dw();
    @BatchNormalization(scale = false)                                 Layer dw_bn();
    @SeparableConv2D(filters = 4, kernel = 3)                          Layer sep();
    @GlobalAveragePooling2D                                            Layer pool();
    @Dense(units = 3, activation = SOFTMAX)                            Layer output();
}
