package dev.annonet.runtime.backend;

import dev.annonet.dsl.Activation;

/**
 * An activation kind with its thresholds ({@code HEAVISIDE}: θ; {@code THRESHOLDED_LINEAR}: θ1,
 * θ2; unused otherwise). Generated code holds one constant per layer. The scalar math lives here
 * once, in double precision; backends may specialize the hot kinds.
 */
public record ActivationFunction(Activation.Kind kind, double lower, double upper) {

    /** The identity: a merge pass that applies no activation. */
    public static final ActivationFunction IDENTITY = of(Activation.Kind.LINEAR);

    public static ActivationFunction of(Activation.Kind kind) {
        return new ActivationFunction(kind, 0, 0);
    }

    public static ActivationFunction heaviside(double threshold) {
        return new ActivationFunction(Activation.Kind.HEAVISIDE, threshold, threshold);
    }

    public static ActivationFunction thresholdedLinear(double lower, double upper) {
        return new ActivationFunction(Activation.Kind.THRESHOLDED_LINEAR, lower, upper);
    }

    /** f(x) for the element-wise kinds; softmax is not element-wise and is rejected. */
    public double apply(double x) {
        return switch (kind) {
            case LINEAR -> x;
            case RELU -> x > 0 || Double.isNaN(x) ? x : 0; // NaN stays NaN, as in Keras and PyTorch
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case TANH -> Math.tanh(x);
            case HEAVISIDE -> x >= lower ? 1 : 0;
            case THRESHOLDED_LINEAR -> x >= lower && x <= upper ? x : 0;
            case SOFTMAX -> throw new IllegalStateException("softmax is not element-wise");
        };
    }

    /** f'(z) given the input z and output y = f(z), for the element-wise kinds. */
    public double derivative(double z, double y) {
        return switch (kind) {
            case LINEAR -> 1;
            case RELU -> z > 0 ? 1 : 0;
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            case HEAVISIDE -> 0;
            case THRESHOLDED_LINEAR -> z >= lower && z <= upper ? 1 : 0;
            case SOFTMAX -> throw new IllegalStateException("softmax is not element-wise");
        };
    }
}
