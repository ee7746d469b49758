package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;

/**
 * A layer's activation function with its parameters resolved (HEAVISIDE: θ, default 0, as both
 * bounds; THRESHOLDED_LINEAR: θ1, θ2; RELU: threshold, maxValue and negativeSlope as lower, upper
 * and slope, a plain ReLU's 0, +∞, 0; otherwise unused). {@code name} is {@code <layer>.activation}.
 */
public record ActivationFunctionPlan(String name, Activation.Kind kind, double lower, double upper, double slope) {

    /** A ReLU with a threshold, a maximum or a slope: Keras's ReLU layer rather than max(0, x). */
    public boolean parametrizedRelu() {
        return kind == Activation.Kind.RELU && (lower != 0 || upper != Double.POSITIVE_INFINITY || slope != 0);
    }

    /** max(0, x), whose derivative y gives as well as z (y > 0 exactly where z > 0): backward needs no z. */
    public boolean plainRelu() {
        return kind == Activation.Kind.RELU && !parametrizedRelu();
    }
}
