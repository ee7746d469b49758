package dev.annonet.contract;

/**
 * How a trainable weight starts, Keras's defaults by name: the processor chooses one per weight
 * and writes it into the generated model, the runtime draws the values.
 */
public sealed interface Initializer {

    static Initializer glorotUniform(int fanIn, int fanOut) {
        return new GlorotUniform(fanIn, fanOut);
    }

    static Initializer zeros() {
        return new Zeros();
    }

    static Initializer ones() {
        return new Ones();
    }

    static Initializer orthogonal(int rows, int cols) {
        return new Orthogonal(rows, cols);
    }

    static Initializer uniform(double limit) {
        return new Uniform(limit);
    }

    static Initializer unitForgetBias(int units) {
        return new UnitForgetBias(units);
    }

    /** Uniform in ±sqrt(6 / (fanIn + fanOut)): Keras's default kernel initializer. */
    record GlorotUniform(int fanIn, int fanOut) implements Initializer {
    }

    /** Keras's default bias initializer. */
    record Zeros() implements Initializer {
    }

    /** BatchNormalization's gamma and moving variance. */
    record Ones() implements Initializer {
    }

    /** Keras's Orthogonal: a (rows, cols) matrix with orthonormal rows or columns, whichever are fewer; recurrent kernels. */
    record Orthogonal(int rows, int cols) implements Initializer {
    }

    /** Keras's RandomUniform: uniform in ±limit (an Embedding's default, 0.05). */
    record Uniform(double limit) implements Initializer {
    }

    /** An LSTM bias with Keras's unit_forget_bias: zero except the forget gate's {@code units} values, 1. */
    record UnitForgetBias(int units) implements Initializer {
    }
}
