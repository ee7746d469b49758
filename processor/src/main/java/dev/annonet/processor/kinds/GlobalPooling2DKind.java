package dev.annonet.processor.kinds;

import dev.annonet.contract.Window2D;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import java.util.Optional;

/** {@code @GlobalMaxPooling2D} or {@code @GlobalAveragePooling2D}: one window over the whole image, (channels) out. */
final class GlobalPooling2DKind implements SingleInputKind {
    private final boolean max;

    GlobalPooling2DKind(boolean max) {
        this.max = max;
    }

    @Override
    public String kerasType() {
        return max ? "GlobalMaxPooling2D" : "GlobalAveragePooling2D";
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        if (!Windows.requireImage(layer, input, diagnostics)) {
            return Optional.empty();
        }
        Shape image = input.shape();
        Window2D window = Window2D.input(image.dims().get(0), image.dims().get(1), image.last())
                .window(image.dims().get(0), image.dims().get(1))
                .output(1, 1, image.last());
        return Optional.of(new Pooling2DKind.Pooling(Shape.of(image.last()), max, window));
    }
}
