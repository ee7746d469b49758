package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rectified linear unit as Keras's {@code ReLU} layer: {@code f(x) = maxValue} for
 * {@code x ≥ maxValue}, {@code x} for {@code threshold ≤ x < maxValue}, {@code negativeSlope · (x -
 * threshold)} below; with the defaults {@code max(0, x)}. MobileNet's ReLU6 is
 * {@code @ReLU(maxValue = 6)}. Its gradient is TensorFlow's: 1 between threshold and maxValue,
 * negativeSlope below, 0 at the threshold and from maxValue up. No weights.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface ReLU {
    /** The largest output; positive, +∞ for none. */
    double maxValue() default Double.POSITIVE_INFINITY;

    /** The slope below the threshold; not negative. */
    double negativeSlope() default 0;

    /** Where the linear part starts; not negative, finite. */
    double threshold() default 0;

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
