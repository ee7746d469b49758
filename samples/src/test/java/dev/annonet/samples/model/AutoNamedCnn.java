package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/**
 * Layers named as a fresh Keras 3 session names those it is given no name for (as the
 * applications' InceptionV3 declares them), beside one named by hand ({@code predictions}), for
 * Keras .h5 files written by sessions that numbered them from elsewhere.
 */
@Network
interface AutoNamedCnn {
    @Input(shape = {6, 6, 2})                         Layer input_layer();
    @Conv2D(filters = 3, kernel = 3)                  Layer conv2d();
    @BatchNormalization                               Layer batch_normalization();
    @Conv2D(filters = 4, kernel = 1, useBias = false) Layer conv2d_1();
    @BatchNormalization(scale = false)                Layer batch_normalization_1();
    @Flatten                                          Layer flatten();
    @Dense(units = 5)                                 Layer dense();
    @Dense(units = 3, activation = SOFTMAX)           Layer predictions();
}
