package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The value of one block parameter where the block is used: {@code @Arg(name = "filters", value = 64)}. */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({})
public @interface Arg {
    /** The parameter, as the block's {@link Param} names it. */
    String name();

    /** One value for an {@code int} attribute, one or more for an {@code int[]} attribute. */
    int[] value();
}
