package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import java.util.Optional;

/** {@code @Activation(value, thresholds)}: the function applied to the input itself, its pre-activation. */
final class ActivationKind implements SingleInputKind {

    /** A layer that applies its activation to its input: also {@code @ReLU}'s. */
    record Resolved(Shape shape, Optional<Activated> activation) implements ResolvedLayer {
    }

    @Override
    public String kerasType() {
        return "Activation";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Options.checkThresholds(layer, "value", diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        return Optional.of(new Resolved(input.shape(), Options.of(layer.spec(), "value", false)));
    }
}
