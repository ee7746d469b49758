package dev.annonet.processor.kinds;

import dev.annonet.contract.Window2D;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.Optional;

/**
 * {@code @Conv1D(filters, kernel, strides, padding, dilation, activation, thresholds, useBias)} on
 * (time, features): the sequence as an image one row high, (1, time, features), so that it runs on
 * the Conv2D kernels with a window one row high; its kernel (k, features, filters) is that window's.
 */
final class Conv1DKind implements SingleInputKind {

    @Override
    public String kerasType() {
        return "Conv1D";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        Attribute<Integer> strides = spec.attribute("strides");
        Attribute<Integer> dilation = spec.attribute("dilation");
        Options.requirePositive(layer, spec.attribute("filters"), diagnostics);
        boolean sizes = Options.requirePositive(layer, spec.attribute("kernel"), diagnostics)
                & Options.requirePositive(layer, strides, diagnostics)
                & Options.requirePositive(layer, dilation, diagnostics);
        if (sizes && strides.value() > 1 && dilation.value() > 1) {
            Windows.reportDilatedStrides(layer, strides, dilation, diagnostics);
        }
        Options.checkThresholds(layer, "activation", diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        if (!optionsValid(layer)) {
            return Optional.empty();
        }
        if (input.shape().rank() != 2) {
            layer.error(diagnostics, "@Conv1D takes a sequence, (time, features) per sample, but its input '" + input.name()
                    + "' has shape " + input.shape() + "; give it a rank-2 shape, e.g. with @Reshape");
            return Optional.empty();
        }
        Attribute<Integer> kernelAttribute = spec.attribute("kernel");
        int kernel = kernelAttribute.value();
        int strides = spec.<Integer>attribute("strides").value();
        int dilation = spec.<Integer>attribute("dilation").value();
        int filters = spec.<Integer>attribute("filters").value();
        Window2D.Border border = Windows.border(spec.attribute("padding"));
        int steps = input.shape().dims().get(0);
        int features = input.shape().last();
        int outputSteps = Window2D.outputSize(steps, kernel, strides, dilation, border);
        if (outputSteps <= 0) {
            layer.error(diagnostics, kernelAttribute, spec.describe(kernelAttribute) + " spans "
                    + Window2D.span(kernel, dilation) + " steps, more than the " + steps + " of its input '" + input.name()
                    + "' with padding = VALID: no output would be left");
            return Optional.empty();
        }
        Shape output = Shape.of(outputSteps, filters);
        if (Shape.count(output.dims()) > Integer.MAX_VALUE) {
            layer.error(diagnostics, "its output " + output + " holds more values than a Java array can");
            return Optional.empty();
        }
        Window2D window = Window2D.input(1, steps, features)
                .window(1, kernel)
                .strides(1, strides)
                .dilation(1, dilation)
                .padding(0, Window2D.padBefore(steps, kernel, strides, dilation, border))
                .output(1, outputSteps, filters);
        return Optional.of(Convolution.over(window, output, Shape.of(kernel, features, filters),
                spec.<Boolean>attribute("useBias").value(), Options.of(spec, "activation", true)));
    }
}
