package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a member of a {@link Block}: the block parameter {@code value} sets the attribute
 * {@code attribute} (by default the parameter's own name) of the member's layer annotation. The
 * value written in the annotation stays where the use gives no {@link Arg} of that name. Sets
 * {@code int} and {@code int[]} attributes: filters, units, kernel, strides, dilation, shape...
 *
 * <pre>{@code
 * @Conv2D(filters = 64, kernel = 1) @Param("filters") @Param(value = "stride", attribute = "strides")
 * Layer _1_conv();
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
@Repeatable(Param.List.class)
public @interface Param {
    /** The parameter's name, as {@link Arg#name} gives it. */
    String value();

    /** The attribute of the layer annotation it sets; default: the parameter's name. */
    String attribute() default "";

    /** Several parameters on one member. */
    @Documented
    @Retention(RetentionPolicy.CLASS)
    @Target(ElementType.METHOD)
    @interface List {
        Param[] value();
    }
}
