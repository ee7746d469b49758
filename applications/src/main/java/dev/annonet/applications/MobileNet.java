package dev.annonet.applications;

import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.DepthwiseConv2D;
import dev.annonet.dsl.Dropout;
import dev.annonet.dsl.GlobalAveragePooling2D;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;
import dev.annonet.dsl.ReLU;
import dev.annonet.dsl.Reshape;
import dev.annonet.dsl.ZeroPadding2D;

/**
 * Keras's {@code keras.applications.MobileNet} with alpha 1.0 and depth multiplier 1, top included:
 * 224×224×3 images, 1000 classes, 4,253,864 parameters. Strided depthwise convolutions are padded
 * by one row and column at the bottom and right, as Keras pads them. Keras 3 keeps the pooled
 * values 1×1×1024 ({@code keepdims=True}) for the {@code conv_preds} convolution; here
 * {@code reshape_1} does it, as in Keras 2, whose names the top keeps.
 */
@Network
public interface MobileNet {
    @Input(shape = {224, 224, 3})                                                            Layer input_layer();
    @Conv2D(filters = 32, kernel = 3, strides = 2, padding = Padding.SAME, useBias = false)  Layer conv1();
    @BatchNormalization                                                                      Layer conv1_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv1_relu();
    @DepthwiseConv2D(kernel = 3, padding = Padding.SAME, useBias = false)                    Layer conv_dw_1();
    @BatchNormalization                                                                      Layer conv_dw_1_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_1_relu();
    @Conv2D(filters = 64, kernel = 1, padding = Padding.SAME, useBias = false)               Layer conv_pw_1();
    @BatchNormalization                                                                      Layer conv_pw_1_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_1_relu();
    @ZeroPadding2D(padding = {0, 1, 0, 1})                                                   Layer conv_pad_2();
    @DepthwiseConv2D(kernel = 3, strides = 2, useBias = false)                               Layer conv_dw_2();
    @BatchNormalization                                                                      Layer conv_dw_2_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_2_relu();
    @Conv2D(filters = 128, kernel = 1, padding = Padding.SAME, useBias = false)              Layer conv_pw_2();
    @BatchNormalization                                                                      Layer conv_pw_2_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_2_relu();
    @DepthwiseConv2D(kernel = 3, padding = Padding.SAME, useBias = false)                    Layer conv_dw_3();
    @BatchNormalization                                                                      Layer conv_dw_3_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_3_relu();
    @Conv2D(filters = 128, kernel = 1, padding = Padding.SAME, useBias = false)              Layer conv_pw_3();
    @BatchNormalization                                                                      Layer conv_pw_3_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_3_relu();
    @ZeroPadding2D(padding = {0, 1, 0, 1})                                                   Layer conv_pad_4();
    @DepthwiseConv2D(kernel = 3, strides = 2, useBias = false)                               Layer conv_dw_4();
    @BatchNormalization                                                                      Layer conv_dw_4_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_4_relu();
    @Conv2D(filters = 256, kernel = 1, padding = Padding.SAME, useBias = false)              Layer conv_pw_4();
    @BatchNormalization                                                                      Layer conv_pw_4_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_4_relu();
    @DepthwiseConv2D(kernel = 3, padding = Padding.SAME, useBias = false)                    Layer conv_dw_5();
    @BatchNormalization                                                                      Layer conv_dw_5_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_5_relu();
    @Conv2D(filters = 256, kernel = 1, padding = Padding.SAME, useBias = false)              Layer conv_pw_5();
    @BatchNormalization                                                                      Layer conv_pw_5_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_5_relu();
    @ZeroPadding2D(padding = {0, 1, 0, 1})                                                   Layer conv_pad_6();
    @DepthwiseConv2D(kernel = 3, strides = 2, useBias = false)                               Layer conv_dw_6();
    @BatchNormalization                                                                      Layer conv_dw_6_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_6_relu();
    @Conv2D(filters = 512, kernel = 1, padding = Padding.SAME, useBias = false)              Layer conv_pw_6();
    @BatchNormalization                                                                      Layer conv_pw_6_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_6_relu();
    @DepthwiseConv2D(kernel = 3, padding = Padding.SAME, useBias = false)                    Layer conv_dw_7();
    @BatchNormalization                                                                      Layer conv_dw_7_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_7_relu();
    @Conv2D(filters = 512, kernel = 1, padding = Padding.SAME, useBias = false)              Layer conv_pw_7();
    @BatchNormalization                                                                      Layer conv_pw_7_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_7_relu();
    @DepthwiseConv2D(kernel = 3, padding = Padding.SAME, useBias = false)                    Layer conv_dw_8();
    @BatchNormalization                                                                      Layer conv_dw_8_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_8_relu();
    @Conv2D(filters = 512, kernel = 1, padding = Padding.SAME, useBias = false)              Layer conv_pw_8();
    @BatchNormalization                                                                      Layer conv_pw_8_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_8_relu();
    @DepthwiseConv2D(kernel = 3, padding = Padding.SAME, useBias = false)                    Layer conv_dw_9();
    @BatchNormalization                                                                      Layer conv_dw_9_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_9_relu();
    @Conv2D(filters = 512, kernel = 1, padding = Padding.SAME, useBias = false)              Layer conv_pw_9();
    @BatchNormalization                                                                      Layer conv_pw_9_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_9_relu();
    @DepthwiseConv2D(kernel = 3, padding = Padding.SAME, useBias = false)                    Layer conv_dw_10();
    @BatchNormalization                                                                      Layer conv_dw_10_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_10_relu();
    @Conv2D(filters = 512, kernel = 1, padding = Padding.SAME, useBias = false)              Layer conv_pw_10();
    @BatchNormalization                                                                      Layer conv_pw_10_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_10_relu();
    @DepthwiseConv2D(kernel = 3, padding = Padding.SAME, useBias = false)                    Layer conv_dw_11();
    @BatchNormalization                                                                      Layer conv_dw_11_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_11_relu();
    @Conv2D(filters = 512, kernel = 1, padding = Padding.SAME, useBias = false)              Layer conv_pw_11();
    @BatchNormalization                                                                      Layer conv_pw_11_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_11_relu();
    @ZeroPadding2D(padding = {0, 1, 0, 1})                                                   Layer conv_pad_12();
    @DepthwiseConv2D(kernel = 3, strides = 2, useBias = false)                               Layer conv_dw_12();
    @BatchNormalization                                                                      Layer conv_dw_12_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_12_relu();
    @Conv2D(filters = 1024, kernel = 1, padding = Padding.SAME, useBias = false)             Layer conv_pw_12();
    @BatchNormalization                                                                      Layer conv_pw_12_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_12_relu();
    @DepthwiseConv2D(kernel = 3, padding = Padding.SAME, useBias = false)                    Layer conv_dw_13();
    @BatchNormalization                                                                      Layer conv_dw_13_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_dw_13_relu();
    @Conv2D(filters = 1024, kernel = 1, padding = Padding.SAME, useBias = false)             Layer conv_pw_13();
    @BatchNormalization                                                                      Layer conv_pw_13_bn();
    @ReLU(maxValue = 6)                                                                      Layer conv_pw_13_relu();
    @GlobalAveragePooling2D                                                                  Layer global_average_pooling2d();
    @Reshape(shape = {1, 1, 1024})                                                           Layer reshape_1();
    @Dropout(rate = 1e-3)                                                                    Layer dropout();
    @Conv2D(filters = 1000, kernel = 1, padding = Padding.SAME)                              Layer conv_preds();
    @Reshape(shape = 1000)                                                                   Layer reshape_2();
    @Activation(SOFTMAX)                                                                     Layer predictions();
}
