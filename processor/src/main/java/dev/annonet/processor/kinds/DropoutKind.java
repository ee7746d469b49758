package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.Extent;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import java.util.List;
import java.util.Optional;

/** {@code @Dropout(rate)}: inverted dropout while training, a copy otherwise (backward needs the input intact). */
final class DropoutKind implements SingleInputKind {

    private record Resolved(Shape shape, double rate) implements ResolvedLayer {

        @Override
        public List<Op> forward(LayerOps ops) {
            Extent count = Extent.perSample(shape.size());
            return List.of(new Op.Branch(Op.Condition.TRAINING,
                    List.of(new Op.Dropout(ops.dropout(rate), count, ops.x(), ops.y())),
                    List.of(new Op.Copy(ops.x(), ops.y(), count))));
        }

        @Override
        public List<Op> backward(LayerOps ops) {
            return List.of(new Op.DropoutBackward(ops.dropout(rate), Extent.perSample(shape.size()), ops.dy(), ops.dx()));
        }
    }

    @Override
    public String kerasType() {
        return "Dropout";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Options.requireFraction(layer, layer.spec().attribute("rate"), diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        return Optional.of(new Resolved(input.shape(), layer.spec().<Double>attribute("rate").value()));
    }
}
