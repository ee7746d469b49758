package dev.annonet.processor.kinds;

import dev.annonet.contract.Initializer;
import dev.annonet.contract.RecurrentCell;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import java.util.Optional;

/** {@code @LSTM(units, returnSequences)}: Keras's LSTM, gates i, f, c̃, o, the forget gate's bias starting at 1. */
final class LstmKind implements SingleInputKind {

    @Override
    public String kerasType() {
        return "LSTM";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Options.requirePositive(layer, layer.spec().attribute("units"), diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        int units = layer.spec().<Integer>attribute("units").value();
        return RecurrentLayer.over(RecurrentCell.LSTM, Initializer.unitForgetBias(units), layer, input, diagnostics);
    }
}
