package dev.annonet.samples.cnn;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Dropout;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.MaxPooling2D;
import dev.annonet.dsl.Network;

/**
 * Keras's simple MNIST convnet. The input is declared as (28, 28, 1): MNIST's rows of 784 values
 * are already those images in row-major order, so they are given as they are.
 */
@Network
public interface MnistCnn {
    @Input(shape = {28, 28, 1})                                Layer image();
    @Conv2D(filters = 32, kernel = 3, activation = RELU)       Layer conv1();
    @MaxPooling2D(pool = 2)                                    Layer pool1();
    @Conv2D(filters = 64, kernel = 3, activation = RELU)       Layer conv2();
    @MaxPooling2D(pool = 2)                                    Layer pool2();
    @Flatten                                                   Layer flat();
    @Dropout(rate = 0.5)                                       Layer dropout();
    @Dense(units = 10, activation = SOFTMAX)                   Layer output();
}
