package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keras's LSTM over a sequence: its input is (time, features) per sample, its output the last
 * hidden state (units) or, with {@code returnSequences}, the state of every step (time, units).
 * Activation tanh, recurrent activation sigmoid, gate order i, f, c, o; weights {@code kernel}
 * (features, 4·units, Glorot uniform), {@code recurrent_kernel} (units, 4·units, orthogonal) and
 * {@code bias} (4·units, zero but the forget gate's, 1: Keras's unit_forget_bias).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface LSTM {
    /** Size of the hidden state, positive. */
    int units();

    /** Output every step's state, (time, units), rather than the last one's, (units). */
    boolean returnSequences() default false;

    /** Input layer by member name; default: the member declared before this one. */
    String[] from() default {};
}
