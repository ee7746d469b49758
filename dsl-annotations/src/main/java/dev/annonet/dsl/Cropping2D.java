package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Rows and columns cut from the sides of inputs of shape (height, width, channels), as Keras's
 * {@code Cropping2D}. No weights.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Cropping2D {
    /**
     * Rows and columns to cut: {@code {top, bottom, left, right}}, {@code {vertical, horizontal}}
     * (each on both sides), or one size everywhere; none negative, and at least one row and one
     * column left.
     */
    int[] cropping() default {0, 0, 0, 0};

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
