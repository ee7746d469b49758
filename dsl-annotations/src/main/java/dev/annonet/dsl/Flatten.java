package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Flattens each sample to one axis; no copy is made. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Flatten {
    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
