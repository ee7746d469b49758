package dev.annonet.samples.perceptron;

import static dev.annonet.dsl.Activation.Kind.HEAVISIDE;

import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;

/**
 * The course's first perceptron: OR as one Heaviside unit with fixed weights w = (1, 1) and bias
 * b = -0.5, so the unit fires when x1 + x2 ≥ 0.5. The weights are constants, never trained.
 */
@Network
public interface PerceptronOr {
    @Input(shape = 2)
    Layer x();

    @Dense(units = 1, activation = HEAVISIDE, kernel = {1, 1}, bias = {-0.5f})
    Layer or();
}
