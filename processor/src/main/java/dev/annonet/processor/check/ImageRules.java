package dev.annonet.processor.check;

import dev.annonet.dsl.Padding;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.BatchNormalizationSpec;
import dev.annonet.processor.read.Conv2DSpec;
import dev.annonet.processor.read.GlobalPooling2DSpec;
import dev.annonet.processor.read.ImageLayerSpec;
import dev.annonet.processor.read.LayerSpec;
import dev.annonet.processor.read.Pooling2DSpec;
import dev.annonet.processor.read.ZeroPadding2DSpec;
import java.util.List;
import java.util.Optional;

/**
 * The convolutional layers' rules: their options (sizes, strides, padding, momentum), their
 * shapes (a (height, width, channels) input, a window that fits it) and their windows, which the
 * planner lowers to kernel calls.
 */
public final class ImageRules {

    private ImageRules() {
    }

    // ---- options -----------------------------------------------------------------------------

    static void checkOptions(LayerNode node, Diagnostics diagnostics) {
        LayerSpec spec = node.spec();
        if (spec instanceof Conv2DSpec conv) {
            if (conv.filters().value() <= 0) {
                node.error(diagnostics, conv.filters(), conv.describe(conv.filters()) + " must be positive");
            }
            boolean sizes = checkPair(node, conv.kernel(), diagnostics) & checkPair(node, conv.strides(), diagnostics)
                    & checkPair(node, conv.dilation(), diagnostics);
            if (sizes && pair(conv.strides()).stream().anyMatch(s -> s > 1) && pair(conv.dilation()).stream().anyMatch(d -> d > 1)) {
                node.error(diagnostics, conv.dilation(), conv.describe(conv.strides(), conv.dilation())
                        + ": a dilation above 1 needs strides of 1, as in Keras");
            }
        } else if (spec instanceof Pooling2DSpec pooling) {
            checkPair(node, pooling.pool(), diagnostics);
            if (!pooling.strides().value().isEmpty()) {
                checkPair(node, pooling.strides(), diagnostics);
            }
        } else if (spec instanceof ZeroPadding2DSpec padding) {
            List<Integer> sides = padding.padding().value();
            if (sides.size() != 1 && sides.size() != 2 && sides.size() != 4) {
                node.error(diagnostics, padding.padding(), padding.describe(padding.padding())
                        + " takes one size, two {vertical, horizontal} or four {top, bottom, left, right}");
            } else if (sides.stream().anyMatch(s -> s < 0)) {
                node.error(diagnostics, padding.padding(), padding.describe(padding.padding()) + " must not be negative");
            }
        } else if (spec instanceof BatchNormalizationSpec norm) {
            double momentum = norm.momentum().value();
            if (!(momentum >= 0 && momentum < 1)) {
                node.error(diagnostics, norm.momentum(), norm.describe(norm.momentum()) + " must be in [0, 1)");
            }
            if (!(norm.epsilon().value() > 0) || norm.epsilon().value().isInfinite()) {
                node.error(diagnostics, norm.epsilon(), norm.describe(norm.epsilon()) + " must be positive and finite");
            }
        }
    }

    /** One size for both axes or two, {height, width}, each positive; false (reported) otherwise. */
    private static boolean checkPair(LayerNode node, Attribute<List<Integer>> sizes, Diagnostics diagnostics) {
        int count = sizes.value().size();
        if (count != 1 && count != 2) {
            node.error(diagnostics, sizes, node.spec().describe(sizes) + " takes one size for both axes or two, {height, width}");
            return false;
        }
        if (sizes.value().stream().anyMatch(size -> size <= 0)) {
            node.error(diagnostics, sizes, node.spec().describe(sizes) + " must be positive");
            return false;
        }
        return true;
    }

    /** {height, width} from one or two sizes. */
    private static List<Integer> pair(Attribute<List<Integer>> sizes) {
        List<Integer> values = sizes.value();
        return values.size() == 1 ? List.of(values.get(0), values.get(0)) : values;
    }

    /** {top, bottom, left, right} from one, two or four sizes. */
    private static List<Integer> sides(List<Integer> padding) {
        return switch (padding.size()) {
            case 1 -> List.of(padding.get(0), padding.get(0), padding.get(0), padding.get(0));
            case 2 -> List.of(padding.get(0), padding.get(0), padding.get(1), padding.get(1));
            default -> padding;
        };
    }

    /** Whether the options are valid, so that the shape rules can use them (their errors are reported already). */
    private static boolean optionsValid(LayerSpec spec) {
        Diagnostics quiet = new Diagnostics();
        checkOptions(new LayerNode(0, "", spec), quiet);
        return !quiet.hasErrors();
    }

    // ---- shapes ------------------------------------------------------------------------------

    /** The output shape of a convolutional layer or a batch normalization, or empty after reporting why none. */
    static Optional<Shape> infer(LayerNode node, LayerNode inputNode, Shape input, Diagnostics diagnostics) {
        LayerSpec spec = node.spec();
        if (!optionsValid(spec)) {
            return Optional.empty();
        }
        if (spec instanceof BatchNormalizationSpec) {
            return Optional.of(input);
        }
        if (input.rank() != 3) {
            node.error(diagnostics, "@" + spec.annotationName() + " takes an input of shape (height, width, channels),"
                    + " but its input '" + inputNode.name() + "' has shape " + input);
            return Optional.empty();
        }
        if (spec instanceof GlobalPooling2DSpec) {
            return Optional.of(Shape.of(input.last()));
        }
        WindowGeometry window = window(spec, input);
        if (window.outputHeight() <= 0 || window.outputWidth() <= 0) {
            Attribute<List<Integer>> size = spec instanceof Conv2DSpec conv ? conv.kernel() : ((Pooling2DSpec) spec).pool();
            node.error(diagnostics, size, spec.describe(size) + " spans " + window.spanHeight() + " × " + window.spanWidth()
                    + " values, more than its input '" + inputNode.name() + "' of " + input.dims().get(0) + " × "
                    + input.dims().get(1) + " holds with padding = VALID: no output would be left");
            return Optional.empty();
        }
        Shape output = window.outputShape();
        if (Shape.count(output.dims()) > Integer.MAX_VALUE) {
            node.error(diagnostics, "its output " + output + " holds more values than a Java array can");
            return Optional.empty();
        }
        return Optional.of(output);
    }

    /** The window of a Conv2D, pooling or zero-padding layer whose options are valid, over {@code input}. */
    static WindowGeometry window(LayerSpec spec, Shape input) {
        if (spec instanceof Conv2DSpec conv) {
            return WindowGeometry.of(input, pair(conv.kernel()), pair(conv.strides()), pair(conv.dilation()),
                    conv.padding().value() == Padding.SAME, conv.filters().value());
        }
        if (spec instanceof Pooling2DSpec pooling) {
            List<Integer> pool = pair(pooling.pool());
            List<Integer> strides = pooling.strides().value().isEmpty() ? pool : pair(pooling.strides());
            return WindowGeometry.of(input, pool, strides, List.of(1, 1), pooling.padding().value() == Padding.SAME,
                    input.last());
        }
        if (spec instanceof GlobalPooling2DSpec) {
            List<Integer> all = input.dims().subList(0, 2);
            return WindowGeometry.of(input, all, all, List.of(1, 1), false, input.last());
        }
        return WindowGeometry.padding(input, sides(((ZeroPadding2DSpec) spec).padding().value()));
    }

    /** The window of a checked image layer, for the planner. */
    public static WindowGeometry window(CheckedLayer layer) {
        return window(layer.spec(), layer.input().shape());
    }

    /** Weight values, as Keras's summary counts them: kernel and bias; gamma, beta and the two moving statistics. */
    static long parameterCount(CheckedLayer layer) {
        if (layer.spec() instanceof Conv2DSpec conv) {
            WindowGeometry w = window(layer);
            long filters = w.outputChannels();
            return (long) w.windowHeight() * w.windowWidth() * w.inputChannels() * filters + (conv.useBias().value() ? filters : 0);
        }
        return layer.spec() instanceof BatchNormalizationSpec ? 4L * layer.shape().last() : 0;
    }

    /** Whether the layer is one these rules own. */
    static boolean owns(LayerSpec spec) {
        return spec instanceof ImageLayerSpec || spec instanceof BatchNormalizationSpec;
    }
}
