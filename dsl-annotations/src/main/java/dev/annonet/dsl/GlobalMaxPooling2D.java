package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Global max pooling, as Keras's {@code GlobalMaxPooling2D}: input (height, width,
 * channels), output (channels), the max over all positions of each channel. No weights.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface GlobalMaxPooling2D {
    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
