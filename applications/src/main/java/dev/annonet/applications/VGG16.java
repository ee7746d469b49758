package dev.annonet.applications;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Arg;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Use;

/**
 * Keras's {@code keras.applications.VGG16}, top included: 224×224×3 images, 1000 classes,
 * 138,357,544 parameters, every layer named as Keras names it.
 */
@Network
public interface VGG16 {
    @Input(shape = {224, 224, 3})                                Layer input_layer();
    TwoConvolutions block1();
    @Use(args = @Arg(name = "filters", value = 128))             TwoConvolutions block2();
    ThreeConvolutions block3();
    @Use(args = @Arg(name = "filters", value = 512))             ThreeConvolutions block4();
    @Use(args = @Arg(name = "filters", value = 512))             ThreeConvolutions block5();
    @Flatten                                                     Layer flatten();
    @Dense(units = 4096, activation = RELU)                      Layer fc1();
    @Dense(units = 4096, activation = RELU)                      Layer fc2();
    @Dense(units = 1000, activation = SOFTMAX)                   Layer predictions();
}
