package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A 1D convolution over a sequence, (time, features) per sample, as Keras's {@code Conv1D}:
 * {@code activation(conv(x, kernel) + bias)}. Kernel shape (kernel, features, filters), bias shape
 * (filters); trained, initialized as Keras does (Glorot-uniform kernel, zero bias). Output shape
 * (outTime, filters). {@code padding = CAUSAL} pads {@code (kernel - 1) · dilation} zeros before
 * the first step, so that no output step sees a later input step.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Conv1D {
    /** Number of filters (output features), positive. */
    int filters();

    /** Steps the kernel covers, positive. */
    int kernel();

    /** Steps between two positions of the kernel, positive. */
    int strides() default 1;

    Padding padding() default Padding.VALID;

    /** Dilation rate, positive; above 1 only with strides 1, as in Keras. */
    int dilation() default 1;

    Activation.Kind activation() default Activation.Kind.LINEAR;

    /** Thresholds of {@code HEAVISIDE} (θ, default 0) or {@code THRESHOLDED_LINEAR} (θ1, θ2). */
    double[] thresholds() default {};

    boolean useBias() default true;

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
