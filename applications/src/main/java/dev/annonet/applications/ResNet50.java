package dev.annonet.applications;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Arg;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.GlobalAveragePooling2D;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.MaxPooling2D;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Use;
import dev.annonet.dsl.ZeroPadding2D;

/**
 * Keras's {@code keras.applications.ResNet50} (ResNet v1: the stride is on each stage's first 1×1
 * convolution), top included: 224×224×3 images, 1000 classes, 25,636,712 parameters, every layer
 * named as Keras names it ({@code conv2_block1_1_conv}, ...).
 */
@Network
public interface ResNet50 {
    @Input(shape = {224, 224, 3})                        Layer input_layer();
    @ZeroPadding2D(padding = 3)                          Layer conv1_pad();
    @Conv2D(filters = 64, kernel = 7, strides = 2)       Layer conv1_conv();
    @BatchNormalization(epsilon = 1.001e-5)              Layer conv1_bn();
    @Activation(RELU)                                    Layer conv1_relu();
    @ZeroPadding2D(padding = 1)                          Layer pool1_pad();
    @MaxPooling2D(pool = 3, strides = 2)                 Layer pool1_pool();
    ProjectionBottleneck conv2_block1();
    IdentityBottleneck conv2_block2();
    IdentityBottleneck conv2_block3();
    @Use(args = {@Arg(name = "filters", value = 128), @Arg(name = "expanded", value = 512), @Arg(name = "stride", value = 2)})
    ProjectionBottleneck conv3_block1();
    @Use(args = {@Arg(name = "filters", value = 128), @Arg(name = "expanded", value = 512)})
    IdentityBottleneck conv3_block2();
    @Use(args = {@Arg(name = "filters", value = 128), @Arg(name = "expanded", value = 512)})
    IdentityBottleneck conv3_block3();
    @Use(args = {@Arg(name = "filters", value = 128), @Arg(name = "expanded", value = 512)})
    IdentityBottleneck conv3_block4();
    @Use(args = {@Arg(name = "filters", value = 256), @Arg(name = "expanded", value = 1024), @Arg(name = "stride", value = 2)})
    ProjectionBottleneck conv4_block1();
    @Use(args = {@Arg(name = "filters", value = 256), @Arg(name = "expanded", value = 1024)})
    IdentityBottleneck conv4_block2();
    @Use(args = {@Arg(name = "filters", value = 256), @Arg(name = "expanded", value = 1024)})
    IdentityBottleneck conv4_block3();
    @Use(args = {@Arg(name = "filters", value = 256), @Arg(name = "expanded", value = 1024)})
    IdentityBottleneck conv4_block4();
    @Use(args = {@Arg(name = "filters", value = 256), @Arg(name = "expanded", value = 1024)})
    IdentityBottleneck conv4_block5();
    @Use(args = {@Arg(name = "filters", value = 256), @Arg(name = "expanded", value = 1024)})
    IdentityBottleneck conv4_block6();
    @Use(args = {@Arg(name = "filters", value = 512), @Arg(name = "expanded", value = 2048), @Arg(name = "stride", value = 2)})
    ProjectionBottleneck conv5_block1();
    @Use(args = {@Arg(name = "filters", value = 512), @Arg(name = "expanded", value = 2048)})
    IdentityBottleneck conv5_block2();
    @Use(args = {@Arg(name = "filters", value = 512), @Arg(name = "expanded", value = 2048)})
    IdentityBottleneck conv5_block3();
    @GlobalAveragePooling2D                              Layer avg_pool();
    @Dense(units = 1000, activation = SOFTMAX)           Layer predictions();
}
