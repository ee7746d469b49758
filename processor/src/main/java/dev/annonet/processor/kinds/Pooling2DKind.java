package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.contract.Window2D;
import dev.annonet.processor.plan.ImageOp;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.List;
import java.util.Optional;

/** {@code @MaxPooling2D} or {@code @AveragePooling2D(pool, strides, padding)}; empty strides: the pool. */
final class Pooling2DKind implements SingleInputKind {
    private final boolean max;

    Pooling2DKind(boolean max) {
        this.max = max;
    }

    /** A pooling window over the input, the global poolings' too. */
    record Pooling(Shape shape, boolean max, Window2D window) implements ResolvedLayer {

        @Override
        public List<Op> forward(LayerOps ops) {
            return List.of(new Op.Image(new ImageOp.Pool(max, ops.window(window), ops.x(), ops.y())));
        }

        @Override
        public List<Op> backward(LayerOps ops) {
            return ops.dx() == null
                    ? List.of()
                    : List.of(new Op.Image(new ImageOp.PoolBackward(max, ops.window(window), ops.x(), ops.dy(), ops.dx())));
        }
    }

    @Override
    public String kerasType() {
        return max ? "MaxPooling2D" : "AveragePooling2D";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Attribute<List<Integer>> strides = layer.spec().attribute("strides");
        Windows.checkPair(layer, layer.spec().attribute("pool"), diagnostics);
        if (!strides.value().isEmpty()) {
            Windows.checkPair(layer, strides, diagnostics);
        }
        Windows.rejectCausal(layer, layer.spec().attribute("padding"), diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        if (!optionsValid(layer) || !Windows.requireImage(layer, input, diagnostics)) {
            return Optional.empty();
        }
        Attribute<List<Integer>> poolAttribute = spec.attribute("pool");
        Attribute<List<Integer>> strides = spec.attribute("strides");
        List<Integer> pool = Windows.pair(poolAttribute);
        return Windows.over(layer, input, poolAttribute, pool, strides.value().isEmpty() ? pool : Windows.pair(strides),
                        List.of(1, 1), Windows.border(spec.attribute("padding")), input.shape().last(), diagnostics)
                .map(window -> new Pooling(Windows.outputShape(window), max, window));
    }
}
