package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import java.util.List;
import java.util.Optional;

/**
 * What one layer annotation means: its option checks, its output shape and what it resolves to
 * (weights, memory, kernel calls). One instance per annotation, registered in {@link LayerKinds}.
 */
public interface LayerKind {

    /** The class name Keras's summary shows, also the layer's type in saved files. */
    String kerasType();

    /** Reports what is wrong with the options alone, before shapes are known. */
    default void checkOptions(LayerNode layer, Diagnostics diagnostics) {
    }

    /** Whether the layer reads several layers ({@code from = {"a", "b"}}): the merge layers. Others read one. */
    default boolean readsSeveral() {
        return false;
    }

    /**
     * The layer over {@code inputs} in the order {@code from} names them (none for an {@code @Input}),
     * or empty when its options or its inputs do not allow one: the reason is reported here, or was
     * by {@link #checkOptions}.
     */
    Optional<ResolvedLayer> resolve(LayerNode layer, List<LayerInput> inputs, Diagnostics diagnostics);

    /** Whether {@link #checkOptions} finds nothing wrong; its errors are reported once, by the checker's own call. */
    default boolean optionsValid(LayerNode layer) {
        Diagnostics quiet = new Diagnostics();
        checkOptions(layer, quiet);
        return !quiet.hasErrors();
    }
}
