package dev.annonet.processor.plan;

import dev.annonet.contract.Initializer;
import java.util.List;

/** How a weight gets its values: trained from an initializer, a constant, or state that training updates. */
public sealed interface WeightValues {

    /** Trained by gradients, starting from {@code initial}. */
    static WeightValues trained(Initializer initial) {
        return new Trained(initial);
    }

    default boolean trainable() {
        return true;
    }

    record Trained(Initializer initial) implements WeightValues {
    }

    /** Not trained but updated by the forward pass while training (moving statistics), starting from {@code initial}. */
    record State(Initializer initial) implements WeightValues {
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
