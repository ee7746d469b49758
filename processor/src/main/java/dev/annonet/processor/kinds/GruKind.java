package dev.annonet.processor.kinds;

import dev.annonet.contract.Initializer;
import dev.annonet.contract.RecurrentCell;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.read.Attribute;
import java.util.Optional;

/** {@code @GRU(units, returnSequences, resetAfter)}: Keras's default GRU (reset_after = True), gates z, r, h̃, zero bias. */
final class GruKind implements SingleInputKind {

    @Override
    public String kerasType() {
        return "GRU";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Options.requirePositive(layer, layer.spec().attribute("units"), diagnostics);
        Attribute<Boolean> resetAfter = layer.spec().attribute("resetAfter");
        if (!resetAfter.value()) {
            layer.errorAbout(diagnostics, resetAfter, "is not supported: only Keras's default GRU, reset_after = True,"
                    + " is (the reset gate applied after the recurrent product)");
        }
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        if (!optionsValid(layer)) {
            return Optional.empty();
        }
        return RecurrentLayer.over(RecurrentCell.GRU, Initializer.zeros(), layer, input, diagnostics);
    }
}
