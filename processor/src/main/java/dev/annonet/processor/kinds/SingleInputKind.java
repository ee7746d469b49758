package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import java.util.List;
import java.util.Optional;

/** A kind that reads exactly one layer (or none, an {@code @Input}): every kind but the merge layers. */
interface SingleInputKind extends LayerKind {

    /** The layer over {@code input}, null for an {@code @Input}; see {@link LayerKind#resolve(LayerNode, List, Diagnostics)}. */
    Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics);

    @Override
    default Optional<ResolvedLayer> resolve(LayerNode layer, List<LayerInput> inputs, Diagnostics diagnostics) {
        if (inputs.size() > 1) {
            throw new IllegalStateException(layer.name() + " reads " + inputs.size() + " layers; the graph rules allow one");
        }
        return resolve(layer, inputs.isEmpty() ? null : inputs.get(0), diagnostics);
    }
}
