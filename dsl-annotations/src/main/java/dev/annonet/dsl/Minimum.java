package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keras's {@code Minimum}: the smallest input, value by value; they must have one shape. Where
 * several inputs are smallest, the gradient goes to the first of them in {@code from}'s order, as
 * TensorFlow's {@code minimum} gives it to its first argument (Keras folds the inputs left to right).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Minimum {
    /** The input layers by member name, two or more. */
    String[] from();
}
