package dev.annonet.processor.kinds;

import dev.annonet.contract.Window2D;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.ImageOp;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.read.Attribute;
import java.util.List;
import java.util.Optional;

/**
 * {@code @Cropping2D(cropping)}: the image without rows and columns at its sides. Cropping is zero
 * padding run backwards: over the window that pads the output back to the input, the forward is
 * zero padding's backward (the inner part) and the backward is zero padding (dy with zeros around).
 */
final class Cropping2DKind implements SingleInputKind {

    private record Resolved(Shape shape, Window2D window) implements ResolvedLayer {

        @Override
        public List<Op> forward(LayerOps ops) {
            return List.of(new Op.Image(new ImageOp.ZeroPadBackward(ops.window(window), ops.x(), ops.y())));
        }

        @Override
        public List<Op> backward(LayerOps ops) {
            return ops.dx() == null
                    ? List.of()
                    : List.of(new Op.Image(new ImageOp.ZeroPad(ops.window(window), ops.dy(), ops.dx())));
        }
    }

    @Override
    public String kerasType() {
        return "Cropping2D";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Windows.checkSides(layer, layer.spec().attribute("cropping"), diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        if (!optionsValid(layer) || !Windows.requireImage(layer, input, diagnostics)) {
            return Optional.empty();
        }
        Attribute<List<Integer>> cropping = layer.spec().attribute("cropping");
        List<Integer> sides = Windows.sides(cropping);
        Shape image = input.shape();
        int height = image.dims().get(0) - sides.get(0) - sides.get(1);
        int width = image.dims().get(1) - sides.get(2) - sides.get(3);
        if (height <= 0 || width <= 0) {
            layer.errorAbout(diagnostics, cropping, "leaves nothing of its input '" + input.name() + "' of shape " + image
                    + ": at most " + (image.dims().get(0) - 1) + " rows and " + (image.dims().get(1) - 1) + " columns");
            return Optional.empty();
        }
        Window2D window = Window2D.input(height, width, image.last())
                .padding(sides.get(0), sides.get(2))
                .output(image.dims().get(0), image.dims().get(1), image.last());
        return Optional.of(new Resolved(Shape.of(height, width, image.last()), window));
    }
}
