package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Average pooling over inputs of shape (height, width, channels), as Keras's {@code AveragePooling2D}:
 * the mean of each window (with SAME padding, of the values inside the input only), channel by channel. No weights.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface AveragePooling2D {
    /** {@code {height, width}} of the window, or one size for both; positive. */
    int[] pool() default {2, 2};

    /** {@code {vertical, horizontal}} steps of the window, or one for both; empty: the pool size. */
    int[] strides() default {};

    Padding padding() default Padding.VALID;

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
