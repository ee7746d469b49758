package dev.annonet.processor.kinds;

import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.check.WindowGeometry;
import dev.annonet.processor.read.Attribute;
import java.util.List;
import java.util.Optional;

/** What the windowed layers (convolutions, pooling, zero padding) share: their size options and their input checks. */
final class Windows {

    private Windows() {
    }

    /** One size for both axes or two, {height, width}, each positive; false (reported) otherwise. */
    static boolean checkPair(LayerNode node, Attribute<List<Integer>> sizes, Diagnostics diagnostics) {
        int count = sizes.value().size();
        if (count != 1 && count != 2) {
            node.errorAbout(diagnostics, sizes, "takes one size for both axes or two, {height, width}");
            return false;
        }
        return checkPositive(node, sizes, diagnostics);
    }

    /** Every size positive; false (reported) otherwise. */
    static boolean checkPositive(LayerNode node, Attribute<List<Integer>> sizes, Diagnostics diagnostics) {
        if (sizes.value().stream().anyMatch(size -> size <= 0)) {
            node.errorAbout(diagnostics, sizes, "must be positive");
            return false;
        }
        return true;
    }

    /** {height, width} from one or two sizes. */
    static List<Integer> pair(Attribute<List<Integer>> sizes) {
        List<Integer> values = sizes.value();
        return values.size() == 1 ? List.of(values.get(0), values.get(0)) : values;
    }

    /** Whether the input is (height, width, channels); reported otherwise. */
    static boolean requireImage(LayerNode node, LayerInput input, Diagnostics diagnostics) {
        if (input.shape().rank() != 3) {
            node.error(diagnostics, "@" + node.spec().annotationName() + " takes an input of shape (height, width, channels),"
                    + " but its input '" + input.name() + "' has shape " + input.shape());
            return false;
        }
        return true;
    }

    /**
     * The output shape {@code window} gives, or empty when the window does not fit the input (reported
     * at {@code size}, the option that sets the window) or the output would not fit an array.
     */
    static Optional<Shape> output(LayerNode node, LayerInput input, WindowGeometry window, Shape output,
                                  Attribute<List<Integer>> size, Diagnostics diagnostics) {
        if (window.outputHeight() <= 0 || window.outputWidth() <= 0) {
            node.error(diagnostics, size, node.spec().describe(size) + " spans " + window.spanHeight() + " × "
                    + window.spanWidth() + " values, more than its input '" + input.name() + "' of "
                    + window.inputHeight() + " × " + window.inputWidth() + " holds with padding = VALID: no output would be left");
            return Optional.empty();
        }
        if (Shape.count(output.dims()) > Integer.MAX_VALUE) {
            node.error(diagnostics, "its output " + output + " holds more values than a Java array can");
            return Optional.empty();
        }
        return Optional.of(output);
    }
}
