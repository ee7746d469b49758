package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Concatenate;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.GlobalAveragePooling2D;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.MaxPooling2D;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Padding;

/** The Inception-style block of scripts/pytorch/graph_fixtures.py (inception_block_step): four branches of the image, concatenated. */
@Network
interface InceptionBlock {
    @Input(shape = {8, 8, 3})                                                                   Layer image();
    @Conv2D(filters = 4, kernel = 1, padding = Padding.SAME, activation = RELU, from = "image")  Layer branch1();
    @Conv2D(filters = 4, kernel = 3, padding = Padding.SAME, activation = RELU, from = "image")  Layer branch3();
    @Conv2D(filters = 4, kernel = 5, padding = Padding.SAME, activation = RELU, from = "image")  Layer branch5();
    @MaxPooling2D(pool = 3, strides = 1, padding = Padding.SAME, from = "image")                Layer pool();
    @Conv2D(filters = 4, kernel = 1, padding = Padding.SAME, activation = RELU)                 Layer poolBranch();
    @Concatenate(from = {"branch1", "branch3", "branch5", "poolBranch"})                        Layer merged();
    @GlobalAveragePooling2D                                                                     Layer gap();
    @Dense(units = 5, activation = SOFTMAX)                                                     Layer output();
}
