package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A depthwise separable 2D convolution over inputs of shape (height, width, channels), as Keras's
 * {@code SeparableConv2D}: a depthwise convolution (each channel alone, {@code depthMultiplier}
 * filters each), then a 1×1 convolution to {@code filters} channels, then
 * {@code activation(· + bias)}. Weights {@code depthwise_kernel} (kernelHeight, kernelWidth,
 * channels, depthMultiplier), {@code pointwise_kernel} (1, 1, channels · depthMultiplier, filters)
 * and bias (filters); trained, initialized as Keras does (Glorot-uniform kernels, zero bias).
 * Output shape (outHeight, outWidth, filters).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface SeparableConv2D {
    /** Number of filters (output channels), positive. */
    int filters();

    /** {@code {height, width}} of the depthwise kernel, or one size for both. */
    int[] kernel();

    /** {@code {vertical, horizontal}} steps of the depthwise kernel, or one for both; positive. */
    int[] strides() default {1, 1};

    /** VALID or SAME. */
    Padding padding() default Padding.VALID;

    /** Depthwise filters per input channel, positive. */
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
