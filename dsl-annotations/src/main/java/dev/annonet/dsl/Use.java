package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a member whose type is a {@link Block} interface: what the block is applied to and the values
 * of its parameters. A use without them may leave the annotation out.
 *
 * <pre>{@code
 * @Use(from = "pool", args = {@Arg(name = "filters", value = 64), @Arg(name = "stride", value = 2)})
 * Bottleneck conv2_block1();
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Use {
    /** The layer (or block) the block is applied to; default: the member declared before this one. */
    String[] from() default {};

    /** Values of the block's parameters ({@link Param}); each names one. */
    Arg[] args() default {};
}
