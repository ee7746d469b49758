package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A depthwise 2D convolution over inputs of shape (height, width, channels), as Keras's
 * {@code DepthwiseConv2D}: each input channel convolved alone with {@code depthMultiplier} filters,
 * then {@code activation(· + bias)}. Kernel {@code depthwise_kernel} of shape (kernelHeight,
 * kernelWidth, channels, depthMultiplier), bias shape (channels · depthMultiplier); trained,
 * initialized as Keras does (Glorot-uniform kernel, zero bias). Output shape (outHeight, outWidth,
 * channels · depthMultiplier), channel c · depthMultiplier + m from input channel c.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface DepthwiseConv2D {
    /** {@code {height, width}} of the kernel, or one size for both. */
    int[] kernel();

    /** {@code {vertical, horizontal}} steps of the kernel, or one for both; positive. */
    int[] strides() default {1, 1};

    /** VALID or SAME. */
    Padding padding() default Padding.VALID;

    /** Filters per input channel, positive. */
    int depthMultiplier() default 1;

    /** {@code {vertical, horizontal}} dilation rate, or one for both; positive; above 1 only with strides 1. */
    int[] dilation() default {1, 1};

    Activation.Kind activation() default Activation.Kind.LINEAR;

    /** Thresholds of {@code HEAVISIDE} (θ, default 0) or {@code THRESHOLDED_LINEAR} (θ1, θ2). */
    double[] thresholds() default {};

    boolean useBias() default true;

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
