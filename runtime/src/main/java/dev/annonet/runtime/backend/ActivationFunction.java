package dev.annonet.runtime.backend;

import dev.annonet.dsl.Activation;

/**
 * An activation kind with its parameters ({@code HEAVISIDE}: θ in lower; {@code THRESHOLDED_LINEAR}:
 * θ1, θ2 in lower and upper; {@code RELU}: Keras's ReLU layer's threshold, maxValue and
 * negativeSlope in lower, upper and slope, which a plain ReLU has as 0, +∞ and 0; unused otherwise).
 * Generated code holds one constant per layer. The scalar math lives here once, in double
 * precision; backends may specialize the hot kinds.
 */
public record ActivationFunction(Activation.Kind kind, double lower, double upper, double slope) {

    /** The identity: a merge pass that applies no activation. */
    public static final ActivationFunction IDENTITY = of(Activation.Kind.LINEAR);

    /** The kind without parameters (a plain ReLU: max(0, x)). */
    public static ActivationFunction of(Activation.Kind kind) {
        return new ActivationFunction(kind, 0, Double.POSITIVE_INFINITY, 0);
    }

    public static ActivationFunction heaviside(double threshold) {
        return new ActivationFunction(Activation.Kind.HEAVISIDE, threshold, threshold, 0);
    }

    public static ActivationFunction thresholdedLinear(double lower, double upper) {
        return new ActivationFunction(Activation.Kind.THRESHOLDED_LINEAR, lower, upper, 0);
    }

    /** Keras's ReLU layer: maxValue from maxValue up, x from threshold up, negativeSlope·(x - threshold) below. */
    public static ActivationFunction relu(double maxValue, double negativeSlope, double threshold) {
        return new ActivationFunction(Activation.Kind.RELU, threshold, maxValue, negativeSlope);
    }

    /** f(x) for the element-wise kinds; softmax is not element-wise and is rejected. */
    public double apply(double x) {
        return switch (kind) {
            case LINEAR -> x;
            case RELU -> relu(x);
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
            case RELU -> z >= upper ? 0 : z > lower ? 1 : z < lower ? slope : 0; // TensorFlow's: 0 at the threshold
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            case HEAVISIDE -> 0;
            case THRESHOLDED_LINEAR -> z >= lower && z <= upper ? 1 : 0;
            case SOFTMAX -> throw new IllegalStateException("softmax is not element-wise");
        };
    }

    /** NaN stays NaN, as in Keras and PyTorch; below the threshold a zero slope gives 0, also for -∞. */
    private double relu(double x) {
        if (x >= upper) {
            return upper;
        }
        if (x >= lower || Double.isNaN(x)) {
            return x;
        }
        return slope != 0 ? slope * (x - lower) : 0;
    }
}
