package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Batch normalization over the last axis, as Keras's {@code BatchNormalization}: while training,
 * {@code y = gamma · (x - mean) / sqrt(variance + epsilon) + beta} with the batch's mean and
 * (biased) variance, which also update the moving statistics: {@code moving = moving · momentum +
 * batch · (1 - momentum)}; at inference the moving statistics take their place. Weights gamma
 * (ones) and beta (zeros) are trained; moving_mean (zeros) and moving_variance (ones) are
 * non-trainable, updated by training, saved with the model. Without {@code scale} there is no
 * gamma (1), without {@code center} no beta (0): Keras's weight order with those left out.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface BatchNormalization {
    /** Weight of the old moving statistics in each update, in [0, 1). */
    double momentum() default 0.99;

    /** Added to the variance before its square root; positive. */
    double epsilon() default 1e-3;

    /** Whether the layer has a trained offset beta; without it, 0. */
    boolean center() default true;

    /** Whether the layer has a trained scale gamma; without it, 1 (Keras: for a next layer that is linear or ReLU). */
    boolean scale() default true;

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
