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
        Attribute<List<Integer>> padding = layer.spec().attribute("padding");
        List<Integer> sides = padding.value();
        if (sides.size() != 1 && sides.size() != 2 && sides.size() != 4) {
            layer.errorAbout(diagnostics, padding, "takes one size, two {vertical, horizontal} or four {top, bottom, left, right}");
        } else if (sides.stream().anyMatch(s -> s < 0)) {
            layer.errorAbout(diagnostics, padding, "must not be negative");
        }
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        if (!optionsValid(layer) || !Windows.requireImage(layer, input, diagnostics)) {
            return Optional.empty();
        }
        List<Integer> sides = sides(layer.spec().<List<Integer>>attribute("padding").value());
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

    /** {top, bottom, left, right} from one, two or four sizes. */
    private static List<Integer> sides(List<Integer> padding) {
        return switch (padding.size()) {
            case 1 -> List.of(padding.get(0), padding.get(0), padding.get(0), padding.get(0));
            case 2 -> List.of(padding.get(0), padding.get(0), padding.get(1), padding.get(1));
            default -> padding;
        };
    }
}
