package dev.annonet.processor.kinds;

import dev.annonet.contract.Window2D;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.ImageOp;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import java.util.List;
import java.util.Optional;

/** {@code @ZeroPadding2D(padding)}: zeros around the image, as a 1×1 window with padding. */
final class ZeroPadding2DKind implements SingleInputKind {

    private record Resolved(Shape shape, Window2D window) implements ResolvedLayer {

        @Override
        public List<Op> forward(LayerOps ops) {
            return List.of(new Op.Image(new ImageOp.ZeroPad(ops.window(window), ops.x(), ops.y())));
        }

        @Override
        public List<Op> backward(LayerOps ops) {
            return ops.dx() == null
                    ? List.of()
                    : List.of(new Op.Image(new ImageOp.ZeroPadBackward(ops.window(window), ops.dy(), ops.dx())));
        }
    }

    @Override
    public String kerasType() {
        return "ZeroPadding2D";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Windows.checkSides(layer, layer.spec().attribute("padding"), diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        if (!optionsValid(layer) || !Windows.requireImage(layer, input, diagnostics)) {
            return Optional.empty();
        }
        List<Integer> sides = Windows.sides(layer.spec().attribute("padding"));
        Shape image = input.shape();
        Shape output = Shape.of(image.dims().get(0) + sides.get(0) + sides.get(1), image.dims().get(1) + sides.get(2) + sides.get(3),
                image.last());
        if (Shape.count(output.dims()) > Integer.MAX_VALUE) {
            layer.error(diagnostics, "its output " + output + " holds more values than a Java array can");
            return Optional.empty();
        }
        Window2D window = Window2D.input(image.dims().get(0), image.dims().get(1), image.last())
                .padding(sides.get(0), sides.get(2))
                .output(output.dims().get(0), output.dims().get(1), output.last());
        return Optional.of(new Resolved(output, window));
    }
}
