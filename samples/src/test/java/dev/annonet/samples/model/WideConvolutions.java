package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.GlobalAveragePooling2D;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;

/**
 * An RGB convolution, then a wider one whose im2col columns (64 positions x 144) are the largest:
 * the CPU backend with AVX-512 convolves its 16 input channels without them.
 */
@Network
interface WideConvolutions {
    @Input(shape = {8, 8, 3})                                                      Layer image();
    @Conv2D(filters = 16, kernel = 3, padding = Padding.SAME, activation = RELU)   Layer rgb();
    @Conv2D(filters = 8, kernel = 3, padding = Padding.SAME, activation = RELU)    Layer wide();
    @GlobalAveragePooling2D                                                        Layer pool();
    @Dense(units = 3, activation = SOFTMAX)                                        Layer output();
}
