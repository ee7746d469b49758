package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import java.util.Optional;

/** {@code @Flatten}: the input's values as one axis, in the same memory. */
final class FlattenKind implements SingleInputKind {

    /** A view of the input's memory with another shape: Flatten and Reshape. */
    record View(Shape shape) implements ResolvedLayer {
        @Override
        public boolean sharesInputMemory() {
            return true;
        }
    }

    @Override
    public String kerasType() {
        return "Flatten";
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        return Optional.of(new View(Shape.of(input.shape().size())));
    }
}
