package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A fully connected layer, {@code activation(x · kernel + bias)}, acting on the last axis of its
 * input as Keras's {@code Dense} does. Kernel shape (in, units), bias shape (units).
 *
 * <p>Weights written here are constants (the course's perceptron exercises): {@code kernel} is the
 * (in, units) matrix in row-major order, {@code bias} has {@code units} values. Weights left out
 * are trained, initialized as Keras does (Glorot-uniform kernel, zero bias).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Dense {
    /** Output size, positive. */
    int units();

    Activation.Kind activation() default Activation.Kind.LINEAR;

    /** Thresholds of {@code HEAVISIDE} (θ, default 0) or {@code THRESHOLDED_LINEAR} (θ1, θ2). */
    double[] thresholds() default {};

    boolean useBias() default true;

    /** Fixed kernel, (in × units) values in row-major order; empty: trained. */
    float[] kernel() default {};

    /** Fixed bias, {@code units} values; empty: trained (or none when {@code useBias = false}). */
    float[] bias() default {};

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
