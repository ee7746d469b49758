package dev.annonet.processor.plan;

import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.check.ImageRules;
import dev.annonet.processor.read.BatchNormalizationSpec;
import dev.annonet.processor.read.Conv2DSpec;
import dev.annonet.processor.read.GlobalPooling2DSpec;
import dev.annonet.processor.read.Pooling2DSpec;
import dev.annonet.processor.read.ZeroPadding2DSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The convolutional layers' part of the {@link Scheduler}: their forward and backward ops. A
 * Conv2D's bias and activation are the Scheduler's, as for Dense, on rows = batch · positions.
 * BatchNormalization runs with batch statistics while training and with the moving ones otherwise.
 */
final class ImageScheduling {
    private final MemoryLayout memory;
    private final Set<CheckedLayer> needGradient;
    private final Map<CheckedLayer, WindowPlan> windows = new LinkedHashMap<>();

    ImageScheduling(MemoryLayout memory, Set<CheckedLayer> needGradient) {
        this.memory = memory;
        this.needGradient = needGradient;
    }

    /** The forward ops of a convolutional layer (before the Scheduler's bias + activation); none for other layers. */
    List<Op> forward(CheckedLayer layer) {
        Operand x = activation(memory.output(layer.input()));
        Operand y = activation(memory.output(layer));
        if (layer.spec() instanceof Conv2DSpec) {
            return image(new ImageOp.Conv2D(window(layer), x, parameter(layer, "kernel"),
                    activation(memory.scratch(layer)), activation(memory.preActivation(layer))));
        }
        if (layer.spec() instanceof Pooling2DSpec || layer.spec() instanceof GlobalPooling2DSpec) {
            return image(new ImageOp.Pool(max(layer), window(layer), x, y));
        }
        if (layer.spec() instanceof ZeroPadding2DSpec) {
            return image(new ImageOp.ZeroPad(window(layer), x, y));
        }
        if (layer.spec() instanceof BatchNormalizationSpec norm) {
            Extent rows = Extent.perSample(layer.shape().rowsPerSample());
            int cols = layer.shape().last();
            double momentum = norm.momentum().value();
            double epsilon = norm.epsilon().value();
            Operand gamma = parameter(layer, "gamma");
            Operand beta = parameter(layer, "beta");
            Operand mean = parameter(layer, "moving_mean");
            Operand variance = parameter(layer, "moving_variance");
            return List.of(new Op.Branch(Op.Condition.TRAINING,
                    image(new ImageOp.BatchNorm(true, rows, cols, momentum, epsilon, x, gamma, beta, mean, variance,
                            activation(memory.scratch(layer)), y)),
                    image(new ImageOp.BatchNorm(false, rows, cols, momentum, epsilon, x, gamma, beta, mean, variance,
                            null, y))));
        }
        return List.of();
    }

    /** The backward ops of a convolutional layer that needs a gradient (after the Scheduler's activation backward). */
    List<Op> backward(CheckedLayer layer) {
        Operand x = activation(memory.output(layer.input()));
        Operand dx = needGradient.contains(layer.input()) ? activationGradient(memory.output(layer.input())) : null;
        Operand dy = activationGradient(memory.output(layer));
        List<Op> ops = new ArrayList<>();
        if (layer.spec() instanceof Conv2DSpec) {
            Tensor z = memory.preActivation(layer);
            Tensor columns = memory.scratch(layer);
            ops.addAll(image(new ImageOp.Conv2DBackward(window(layer), x, parameter(layer, "kernel"), activation(columns),
                    activationGradient(z), gradient(layer, "kernel"), activationGradient(columns), dx)));
            Parameter bias = memory.parameter(layer, "bias");
            if (bias != null) {
                ops.add(new Op.ColumnSums(Extent.perSample(layer.shape().rowsPerSample()), layer.shape().last(),
                        activationGradient(z), new Operand(Space.GRADIENTS, bias)));
            }
        } else if (dx != null && (layer.spec() instanceof Pooling2DSpec || layer.spec() instanceof GlobalPooling2DSpec)) {
            ops.addAll(image(new ImageOp.PoolBackward(max(layer), window(layer), x, dy, dx)));
        } else if (dx != null && layer.spec() instanceof ZeroPadding2DSpec) {
            ops.addAll(image(new ImageOp.ZeroPadBackward(window(layer), dy, dx)));
        } else if (layer.spec() instanceof BatchNormalizationSpec) {
            ops.addAll(image(new ImageOp.BatchNormBackward(Extent.perSample(layer.shape().rowsPerSample()),
                    layer.shape().last(), x, parameter(layer, "gamma"), activation(memory.scratch(layer)), dy,
                    gradient(layer, "gamma"), gradient(layer, "beta"), dx)));
        }
        return ops;
    }

    private WindowPlan window(CheckedLayer layer) {
        return windows.computeIfAbsent(layer, l -> new WindowPlan(l.name() + ".window", ImageRules.window(l)));
    }

    private static boolean max(CheckedLayer layer) {
        return layer.spec() instanceof Pooling2DSpec pooling ? pooling.max() : ((GlobalPooling2DSpec) layer.spec()).max();
    }

    private static List<Op> image(ImageOp op) {
        return List.of(new Op.Image(op));
    }

    private Operand parameter(CheckedLayer layer, String what) {
        return new Operand(Space.PARAMETERS, memory.parameter(layer, what));
    }

    private Operand gradient(CheckedLayer layer, String what) {
        return new Operand(Space.GRADIENTS, memory.parameter(layer, what));
    }

    private static Operand activation(Tensor tensor) {
        return new Operand(Space.ACTIVATIONS, tensor);
    }

    private static Operand activationGradient(Tensor tensor) {
        return new Operand(Space.ACTIVATION_GRADIENTS, tensor);
    }
}
