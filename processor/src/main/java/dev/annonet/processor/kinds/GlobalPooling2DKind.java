package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.check.WindowGeometry;
import java.util.List;
import java.util.Optional;

/** {@code @GlobalMaxPooling2D} or {@code @GlobalAveragePooling2D}: one window over the whole image, (channels) out. */
final class GlobalPooling2DKind implements LayerKind {
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
        List<Integer> all = input.shape().dims().subList(0, 2);
        WindowGeometry window = WindowGeometry.of(input.shape(), all, all, List.of(1, 1), false, input.shape().last());
        return Optional.of(new Pooling2DKind.Pooling(Shape.of(input.shape().last()), max, window));
    }
}
