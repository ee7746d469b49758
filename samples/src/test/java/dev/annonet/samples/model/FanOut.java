package dev.annonet.samples.model;

import static dev.annonet.dsl.Activation.Kind.TANH;

import dev.annonet.dsl.Add;
import dev.annonet.dsl.Average;
import dev.annonet.dsl.Concatenate;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Maximum;
import dev.annonet.dsl.Minimum;
import dev.annonet.dsl.Multiply;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Subtract;

/**
 * A graph of every merge layer, where {@code trunk} feeds five layers and {@code right} two: their
 * gradients must add up, and the branches meet again before the output.
 */
@Network
interface FanOut {
    @Input(shape = {2, 3})
    Layer x();

    @Dense(units = 4, activation = TANH)
    Layer trunk();

    @Dense(units = 4, activation = TANH)
    Layer left();

    @Dense(units = 4, from = "trunk")
    Layer right();

    @Multiply(from = {"left", "right"})
    Layer product();

    @Subtract(from = {"trunk", "right"})
    Layer difference();

    @Maximum(from = {"product", "difference", "left"})
    Layer highest();

    @Minimum(from = {"product", "trunk"})
    Layer lowest();

    @Average(from = {"highest", "lowest", "trunk"})
    Layer mean();

    @Add(from = {"mean", "product"}, scales = {1, 0.5}, activation = TANH)
    Layer sum();

    @Concatenate(from = {"sum", "trunk"})
    Layer joined();

    @Dense(units = 8, from = "lowest")
    Layer wide();

    @Concatenate(axis = 1, from = {"joined", "wide"})
    Layer stacked();

    @Dense(units = 2)
    Layer output();
}
