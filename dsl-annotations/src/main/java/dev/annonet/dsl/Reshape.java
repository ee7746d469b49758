package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives each sample a new shape holding the same number of values; no copy is made. One size may
 * be {@code -1}, inferred from the others, as in Keras.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Reshape {
    /** The new shape of one sample (the batch dimension left out). */
    int[] shape();

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
