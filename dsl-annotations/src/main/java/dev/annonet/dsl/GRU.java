package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keras's default GRU over a sequence ({@code reset_after = True}): its input is (time, features)
 * per sample, its output the last hidden state (units) or, with {@code returnSequences}, the state
 * of every step (time, units). Activation tanh, recurrent activation sigmoid, gate order z, r, h;
 * weights {@code kernel} (features, 3·units, Glorot uniform), {@code recurrent_kernel} (units,
 * 3·units, orthogonal) and {@code bias} (2, 3·units, zeros: the input bias, then the recurrent one).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface GRU {
    /** Size of the hidden state, positive. */
    int units();

    /** Output every step's state, (time, units), rather than the last one's, (units). */
    boolean returnSequences() default false;

    /**
     * Keras's {@code reset_after}: the reset gate applied after the recurrent product (true, Keras's
     * default and the only form supported; false is a compile-time error).
     */
    boolean resetAfter() default true;

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
