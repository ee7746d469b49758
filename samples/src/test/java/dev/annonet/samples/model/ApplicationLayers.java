package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.AveragePooling2D;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Concatenate;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Cropping2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.GlobalAveragePooling2D;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.MaxPooling2D;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;
import dev.annonet.dsl.ReLU;
import dev.annonet.dsl.ZeroPadding2D;

/**
 * The network of scripts/pytorch/application_layers_fixture.py (application_layers_step): the
 * layers and options the Keras Applications need, each once.
 */
@Network
interface ApplicationLayers {
    @Input(shape = {8, 8, 3})                                                          Layer image();
    @ZeroPadding2D(padding = {1, 3, 3, 1})                                             Layer pad();
    @Conv2D(filters = 4, kernel = 3, useBias = false)                                  Layer conv();
    @BatchNormalization(scale = false)                                                 Layer norm();
    @ReLU(maxValue = 1, negativeSlope = 0.1, threshold = 0.2)                          Layer relu();
    @Cropping2D(cropping = {1, 1, 0, 2})                                               Layer crop();
    @MaxPooling2D(pool = 3, strides = 2, padding = Padding.SAME, from = "crop")        Layer maxPool();
    @AveragePooling2D(pool = 3, strides = 2, padding = Padding.SAME, from = "crop")    Layer avgPool();
    @Concatenate(from = {"maxPool", "avgPool"})                                        Layer merged();
    @BatchNormalization(center = false)                                                Layer norm2();
    @GlobalAveragePooling2D                                                            Layer gap();
    @Dense(units = 5, activation = SOFTMAX)                                            Layer output();
}
