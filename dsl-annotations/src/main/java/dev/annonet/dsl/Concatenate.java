package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keras's {@code Concatenate}: the inputs joined along {@code axis}; their shapes must be equal on
 * every other axis.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Concatenate {
    /** Keras's axis, counting the batch as axis 0: -1 is the last, 1 the first of a sample. */
    int axis() default -1;

    /** The input layers by member name, two or more, joined in this order. */
    String[] from();
}
