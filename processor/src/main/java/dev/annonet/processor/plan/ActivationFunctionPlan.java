package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;

/**
 * A layer's activation function with its thresholds resolved (HEAVISIDE: θ, default 0, as both
 * bounds; THRESHOLDED_LINEAR: θ1, θ2; otherwise unused). {@code name} is {@code <layer>.activation}.
 */
public record ActivationFunctionPlan(String name, Activation.Kind kind, double lower, double upper) {
}
