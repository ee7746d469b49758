package dev.annonet.applications;

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
import dev.annonet.dsl.MaxPooling2D;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;
import dev.annonet.dsl.SeparableConv2D;

/**
 * Keras's {@code keras.applications.Xception}, top included: 299×299×3 images, 1000 classes,
 * 22,910,480 parameters. The entry and exit flows' shortcuts (1×1 convolutions, their batch
 * normalizations and the additions) carry the names a fresh Keras 3 session gives them
 * ({@code conv2d}, {@code batch_normalization}, {@code add}, ...). The middle flow's eight blocks
 * are {@link SeparableResidual}s, whose additions are named {@code block5_add} ...
 * {@code block12_add} where Keras says {@code add_3} ... {@code add_10}.
 */
@Network
public interface Xception {
    @Input(shape = {299, 299, 3})                                                                   Layer input_layer();
    @Conv2D(filters = 32, kernel = 3, strides = 2, useBias = false)                                 Layer block1_conv1();
    @BatchNormalization                                                                             Layer block1_conv1_bn();
    @Activation(RELU)                                                                               Layer block1_conv1_act();
    @Conv2D(filters = 64, kernel = 3, useBias = false)                                              Layer block1_conv2();
    @BatchNormalization                                                                             Layer block1_conv2_bn();
    @Activation(RELU)                                                                               Layer block1_conv2_act();
    @Conv2D(filters = 128, kernel = 1, strides = 2, padding = Padding.SAME, useBias = false)        Layer conv2d();
    @BatchNormalization                                                                             Layer batch_normalization();
    @SeparableConv2D(filters = 128, kernel = 3, padding = Padding.SAME, useBias = false, from = "block1_conv2_act")
                                                                                                    Layer block2_sepconv1();
    @BatchNormalization                                                                             Layer block2_sepconv1_bn();
    @Activation(RELU)                                                                               Layer block2_sepconv2_act();
    @SeparableConv2D(filters = 128, kernel = 3, padding = Padding.SAME, useBias = false)            Layer block2_sepconv2();
    @BatchNormalization                                                                             Layer block2_sepconv2_bn();
    @MaxPooling2D(pool = 3, strides = 2, padding = Padding.SAME)                                    Layer block2_pool();
    @Add(from = {"block2_pool", "batch_normalization"})                                             Layer add();
    @Conv2D(filters = 256, kernel = 1, strides = 2, padding = Padding.SAME, useBias = false)        Layer conv2d_1();
    @BatchNormalization                                                                             Layer batch_normalization_1();
    @Activation(value = RELU, from = "add")                                                         Layer block3_sepconv1_act();
    @SeparableConv2D(filters = 256, kernel = 3, padding = Padding.SAME, useBias = false)            Layer block3_sepconv1();
    @BatchNormalization                                                                             Layer block3_sepconv1_bn();
    @Activation(RELU)                                                                               Layer block3_sepconv2_act();
    @SeparableConv2D(filters = 256, kernel = 3, padding = Padding.SAME, useBias = false)            Layer block3_sepconv2();
    @BatchNormalization                                                                             Layer block3_sepconv2_bn();
    @MaxPooling2D(pool = 3, strides = 2, padding = Padding.SAME)                                    Layer block3_pool();
    @Add(from = {"block3_pool", "batch_normalization_1"})                                           Layer add_1();
    @Conv2D(filters = 728, kernel = 1, strides = 2, padding = Padding.SAME, useBias = false)        Layer conv2d_2();
    @BatchNormalization                                                                             Layer batch_normalization_2();
    @Activation(value = RELU, from = "add_1")                                                       Layer block4_sepconv1_act();
    @SeparableConv2D(filters = 728, kernel = 3, padding = Padding.SAME, useBias = false)            Layer block4_sepconv1();
    @BatchNormalization                                                                             Layer block4_sepconv1_bn();
    @Activation(RELU)                                                                               Layer block4_sepconv2_act();
    @SeparableConv2D(filters = 728, kernel = 3, padding = Padding.SAME, useBias = false)            Layer block4_sepconv2();
    @BatchNormalization                                                                             Layer block4_sepconv2_bn();
    @MaxPooling2D(pool = 3, strides = 2, padding = Padding.SAME)                                    Layer block4_pool();
    @Add(from = {"block4_pool", "batch_normalization_2"})                                           Layer add_2();
    SeparableResidual block5();
    SeparableResidual block6();
    SeparableResidual block7();
    SeparableResidual block8();
    SeparableResidual block9();
    SeparableResidual block10();
    SeparableResidual block11();
    SeparableResidual block12();
    @Conv2D(filters = 1024, kernel = 1, strides = 2, padding = Padding.SAME, useBias = false)       Layer conv2d_3();
    @BatchNormalization                                                                             Layer batch_normalization_3();
    @Activation(value = RELU, from = "block12")                                                     Layer block13_sepconv1_act();
    @SeparableConv2D(filters = 728, kernel = 3, padding = Padding.SAME, useBias = false)            Layer block13_sepconv1();
    @BatchNormalization                                                                             Layer block13_sepconv1_bn();
    @Activation(RELU)                                                                               Layer block13_sepconv2_act();
    @SeparableConv2D(filters = 1024, kernel = 3, padding = Padding.SAME, useBias = false)           Layer block13_sepconv2();
    @BatchNormalization                                                                             Layer block13_sepconv2_bn();
    @MaxPooling2D(pool = 3, strides = 2, padding = Padding.SAME)                                    Layer block13_pool();
    @Add(from = {"block13_pool", "batch_normalization_3"})                                          Layer add_11();
    @SeparableConv2D(filters = 1536, kernel = 3, padding = Padding.SAME, useBias = false)           Layer block14_sepconv1();
    @BatchNormalization                                                                             Layer block14_sepconv1_bn();
    @Activation(RELU)                                                                               Layer block14_sepconv1_act();
    @SeparableConv2D(filters = 2048, kernel = 3, padding = Padding.SAME, useBias = false)           Layer block14_sepconv2();
    @BatchNormalization                                                                             Layer block14_sepconv2_bn();
    @Activation(RELU)                                                                               Layer block14_sepconv2_act();
    @GlobalAveragePooling2D                                                                         Layer avg_pool();
    @Dense(units = 1000, activation = SOFTMAX)                                                      Layer predictions();
}
