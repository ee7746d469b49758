package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A layer that applies an activation function element-wise (softmax: over the last axis). */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Activation {
    Kind value();

    /** Thresholds of {@code HEAVISIDE} (θ, default 0) or {@code THRESHOLDED_LINEAR} (θ1, θ2). */
    double[] thresholds() default {};

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};

    /** The activation functions; import them statically: {@code import static dev.annonet.dsl.Activation.Kind.*}. */
    enum Kind {
        /** {@code x}. */
        LINEAR,
        /** {@code max(0, x)}. */
        RELU,
        /** {@code 1 / (1 + e^-x)}. */
        SIGMOID,
        /** {@code tanh(x)}. */
        TANH,
        /** {@code e^x / Σ e^x} over the last axis. */
        SOFTMAX,
        /** The Heaviside step with threshold θ: 1 if {@code x ≥ θ} else 0. Its gradient is zero. */
        HEAVISIDE,
        /** The thresholded linear unit: {@code x} inside [θ1, θ2], 0 outside. */
        THRESHOLDED_LINEAR
    }
}
