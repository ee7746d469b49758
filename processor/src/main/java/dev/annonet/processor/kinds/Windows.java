package dev.annonet.processor.kinds;

import dev.annonet.contract.Window2D;
import dev.annonet.dsl.Padding;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.List;
import java.util.Optional;

/** What the windowed layers (convolutions, pooling, zero padding, cropping) share: their size options and their input checks. */
final class Windows {

    private Windows() {
    }

    /**
     * The options a 2D convolution shares (Conv2D, DepthwiseConv2D, SeparableConv2D), as Keras checks
     * them: kernel, strides and dilation, no dilation with strides, no CAUSAL padding, the activation's thresholds.
     */
    static void checkConvolution(LayerNode layer, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        Attribute<List<Integer>> strides = spec.attribute("strides");
        Attribute<List<Integer>> dilation = spec.attribute("dilation");
        boolean sizes = checkPair(layer, spec.attribute("kernel"), diagnostics)
                & checkPair(layer, strides, diagnostics) & checkPair(layer, dilation, diagnostics);
        if (sizes && pair(strides).stream().anyMatch(s -> s > 1) && pair(dilation).stream().anyMatch(d -> d > 1)) {
            reportDilatedStrides(layer, strides, dilation, diagnostics);
        }
        rejectCausal(layer, spec.attribute("padding"), diagnostics);
        Options.checkThresholds(layer, "activation", diagnostics);
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

    /** Keras refuses a stride above 1 together with a dilation above 1; reported at the dilation. */
    static void reportDilatedStrides(LayerNode node, Attribute<?> strides, Attribute<?> dilation, Diagnostics diagnostics) {
        node.error(diagnostics, dilation, node.spec().describe(strides, dilation) + ": a dilation above 1 needs strides of 1, as in Keras");
    }

    /** {height, width} from one or two sizes. */
    static List<Integer> pair(Attribute<List<Integer>> sizes) {
        List<Integer> values = sizes.value();
        return values.size() == 1 ? List.of(values.get(0), values.get(0)) : values;
    }

    /** Rows and columns around an image, one size, {vertical, horizontal} or {top, bottom, left, right}, none negative. */
    static void checkSides(LayerNode node, Attribute<List<Integer>> sides, Diagnostics diagnostics) {
        int count = sides.value().size();
        if (count != 1 && count != 2 && count != 4) {
            node.errorAbout(diagnostics, sides, "takes one size, two {vertical, horizontal} or four {top, bottom, left, right}");
        } else if (sides.value().stream().anyMatch(s -> s < 0)) {
            node.errorAbout(diagnostics, sides, "must not be negative");
        }
    }

    /** {top, bottom, left, right} from one, two or four sizes. */
    static List<Integer> sides(Attribute<List<Integer>> sides) {
        List<Integer> values = sides.value();
        return switch (values.size()) {
            case 1 -> List.of(values.get(0), values.get(0), values.get(0), values.get(0));
            case 2 -> List.of(values.get(0), values.get(0), values.get(1), values.get(1));
            default -> values;
        };
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

    /** Keras's padding of a window. */
    static Window2D.Border border(Attribute<Padding> padding) {
        return switch (padding.value()) {
            case VALID -> Window2D.Border.VALID;
            case SAME -> Window2D.Border.SAME;
            case CAUSAL -> Window2D.Border.CAUSAL;
        };
    }

    /** CAUSAL pads steps before the first of a sequence: Keras accepts it on Conv1D only. */
    static void rejectCausal(LayerNode node, Attribute<Padding> padding, Diagnostics diagnostics) {
        if (padding.value() == Padding.CAUSAL) {
            node.error(diagnostics, padding, node.spec().describe(padding)
                    + ": CAUSAL padding is for @Conv1D only, as in Keras; use VALID or SAME");
        }
    }

    /**
     * Keras's window over a (height, width, channels) input, or empty when it does not fit: reported
     * at {@code size}, the option that sets the window, or when its output would not fit an array.
     */
    static Optional<Window2D> over(LayerNode node, LayerInput input, Attribute<List<Integer>> size, List<Integer> window,
                                   List<Integer> strides, List<Integer> dilation, Window2D.Border border,
                                   int outputChannels, Diagnostics diagnostics) {
        int height = input.shape().dims().get(0);
        int width = input.shape().dims().get(1);
        int outputHeight = Window2D.outputSize(height, window.get(0), strides.get(0), dilation.get(0), border);
        int outputWidth = Window2D.outputSize(width, window.get(1), strides.get(1), dilation.get(1), border);
        if (outputHeight <= 0 || outputWidth <= 0) {
            node.error(diagnostics, size, node.spec().describe(size) + " spans " + Window2D.span(window.get(0), dilation.get(0))
                    + " × " + Window2D.span(window.get(1), dilation.get(1)) + " values, more than its input '" + input.name()
                    + "' of " + height + " × " + width + " holds with padding = VALID: no output would be left");
            return Optional.empty();
        }
        Shape output = Shape.of(outputHeight, outputWidth, outputChannels);
        if (Shape.count(output.dims()) > Integer.MAX_VALUE) {
            node.error(diagnostics, "its output " + output + " holds more values than a Java array can");
            return Optional.empty();
        }
        return Optional.of(new Window2D(height, width, input.shape().last(), window.get(0), window.get(1),
                strides.get(0), strides.get(1), dilation.get(0), dilation.get(1),
                Window2D.padBefore(height, window.get(0), strides.get(0), dilation.get(0), border),
                Window2D.padBefore(width, window.get(1), strides.get(1), dilation.get(1), border),
                outputHeight, outputWidth, outputChannels));
    }

    /** The (height, width, channels) of the window's output. */
    static Shape outputShape(Window2D window) {
        return Shape.of(window.outputHeight(), window.outputWidth(), window.outputChannels());
    }
}
