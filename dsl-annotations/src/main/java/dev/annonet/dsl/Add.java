package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keras's {@code Add}: the sum of the inputs, value by value; they must have one shape. With
 * {@code scales}, a weighted sum (InceptionResNetV2's {@code x + scale · branch}); with
 * {@code activation}, the function applied to the sum (ResNet's add + ReLU in one layer).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Add {
    /** One factor per input, in {@code from}'s order; empty: all 1. */
    double[] scales() default {};

    Activation.Kind activation() default Activation.Kind.LINEAR;

    /** Thresholds of {@code HEAVISIDE} (θ, default 0) or {@code THRESHOLDED_LINEAR} (θ1, θ2). */
    double[] thresholds() default {};

    /** The input layers by member name, two or more. */
    String[] from();
}
