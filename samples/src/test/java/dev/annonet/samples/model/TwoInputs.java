package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.RELU;
import static dev.annonet.dsl.Activation.Kind.SIGMOID;
import static dev.annonet.dsl.Activation.Kind.SOFTMAX;

import dev.annonet.dsl.Concatenate;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/** The two-input, two-output network of scripts/pytorch/graph_fixtures.py (two_inputs_step): both heads read the merged inputs. */
@Network(outputs = {"digit", "even"})
interface TwoInputs {
    @Input(shape = {8, 8, 1})                                             Layer image();
    @Input(shape = 5)                                                     Layer vector();
    @Conv2D(filters = 4, kernel = 3, activation = RELU, from = "image")   Layer conv();
    @Flatten                                                              Layer flat();
    @Concatenate(from = {"flat", "vector"})                               Layer merged();
    @Dense(units = 16, activation = RELU)                                 Layer hidden();
    @Dense(units = 10, activation = SOFTMAX)                              Layer digit();
    @Dense(units = 1, activation = SIGMOID, from = "hidden")              Layer even();
}
