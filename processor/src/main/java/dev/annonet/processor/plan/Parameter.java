package dev.annonet.processor.plan;

import dev.annonet.processor.check.Shape;
import java.util.List;

/** A weight tensor in the parameter buffer; a trainable one has its gradient at the same offset. */
public record Parameter(String name, int offset, Shape shape, Values values) implements Region {

    /** How the parameter gets its values. */
    public sealed interface Values permits GlorotUniform, Zeros, Ones, Fixed, State, Orthogonal, Uniform, UnitForgetBias {
    }

    /** Trained, starting from Keras's default kernel initializer. */
    public record GlorotUniform(int fanIn, int fanOut) implements Values {
    }

    /** Trained, starting from zero (Keras's default bias initializer). */
    public record Zeros() implements Values {
    }

    /** Trained, starting from one (BatchNormalization's gamma). */
    public record Ones() implements Values {
    }

    /** Not trained but updated by the forward pass while training (moving statistics), starting from {@code initial}. */
    public record State(Values initial) implements Values {
    }

    /** Trained, starting orthogonal (Keras's LSTM recurrent kernel). */
    public record Orthogonal(int rows, int cols) implements Values {
    }

    /** Trained, starting uniform in ±limit (Keras's Embedding default, 0.05). */
    public record Uniform(double limit) implements Values {
    }

    /** Trained, an LSTM bias starting at zero but for the forget gate's {@code units} values, 1. */
    public record UnitForgetBias(int units) implements Values {
    }

    /** Written in the declaration: a constant. */
    public record Fixed(List<Float> values) implements Values {
    }

    public boolean trainable() {
        return !(values instanceof Fixed) && !(values instanceof State);
    }
}
