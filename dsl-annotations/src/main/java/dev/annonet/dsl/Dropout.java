package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inverted dropout: while training, each value is zeroed with probability {@code rate} and the
 * others are scaled by {@code 1 / (1 - rate)}; at inference it passes values through.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Dropout {
    /** Fraction of the values to drop, in [0, 1). */
    double rate();

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
