package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.read.Attribute;
import java.util.List;
import java.util.stream.Collectors;

/** What the merge layers share: how many layers {@code from} must name, and how shapes are described in errors. */
final class MergeInputs {

    private MergeInputs() {
    }

    /** Reports a {@code from} that names fewer than {@code least} layers, or more than {@code most}. */
    static void checkCount(LayerNode layer, int least, int most, Diagnostics diagnostics) {
        Attribute<List<String>> from = layer.spec().from();
        int count = from.value().size();
        if (count < least || count > most) {
            String wanted = least == most ? "exactly " + least : "at least " + least;
            layer.error(diagnostics, from, "@" + layer.spec().annotationName() + " merges " + wanted
                    + " layers named by from, but " + (from.isWritten() ? from.text() + " names " + count : "from names none"));
        }
    }

    /** {@code 'a' (4, 4), 'b' (4, 5)}. */
    static String shapes(List<LayerInput> inputs) {
        return inputs.stream().map(input -> "'" + input.name() + "' " + input.shape()).collect(Collectors.joining(", "));
    }
}
