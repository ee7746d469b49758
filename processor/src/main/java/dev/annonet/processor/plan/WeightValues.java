package dev.annonet.processor.plan;

import java.util.List;

/** How a weight gets its values: an initializer (trained), a constant, or state that training updates. */
public sealed interface WeightValues {

    default boolean trainable() {
        return true;
    }

    /** Keras's default kernel initializer. */
    record GlorotUniform(int fanIn, int fanOut) implements WeightValues {
    }

    /** Zero: Keras's default bias initializer. */
    record Zeros() implements WeightValues {
    }

    /** One: BatchNormalization's gamma. */
    record Ones() implements WeightValues {
    }

    /** Orthogonal: Keras's recurrent kernel initializer. */
    record Orthogonal(int rows, int cols) implements WeightValues {
    }

    /** Uniform in ±limit: Keras's Embedding default, 0.05. */
    record Uniform(double limit) implements WeightValues {
    }

    /** An LSTM bias: zero but for the forget gate's {@code units} values, 1. */
    record UnitForgetBias(int units) implements WeightValues {
    }

    /** Not trained but updated by the forward pass while training (moving statistics), starting from {@code initial}. */
    record State(WeightValues initial) implements WeightValues {
        @Override
        public boolean trainable() {
            return false;
        }
    }

    /** Written in the declaration: a constant. */
    record Fixed(List<Float> values) implements WeightValues {
        @Override
        public boolean trainable() {
            return false;
        }
    }
}
