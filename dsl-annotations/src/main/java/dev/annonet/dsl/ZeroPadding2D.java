package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Zeros around inputs of shape (height, width, channels), as Keras's {@code ZeroPadding2D}.
 * No weights.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface ZeroPadding2D {
    /**
     * Rows and columns of zeros: {@code {top, bottom, left, right}}, {@code {vertical, horizontal}}
     * (each on both sides), or one size everywhere; none negative.
     */
    int[] padding() default {1, 1};

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
