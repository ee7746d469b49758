package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.read.ActivatedSpec;
import dev.annonet.processor.read.DenseSpec;
import dev.annonet.processor.read.DropoutSpec;
import dev.annonet.processor.read.InputSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lowers each layer to the kernel calls of its forward and backward blocks.
 *
 * <p>Backward computes a gradient only where a trainable parameter lies upstream: an input's
 * gradient is never computed, nor that of a layer fed only by fixed weights. Every tensor has one
 * consumer (all layers take one input and lead to the output), so gradients overwrite rather
 * than accumulate.
 */
final class Scheduler {
    private final MemoryLayout memory;
    private final CheckedLayer outputLayer;
    private final Set<CheckedLayer> needGradient = new HashSet<>();
    private final Map<CheckedLayer, ActivationFunctionPlan> functions = new LinkedHashMap<>();
    private final Map<CheckedLayer, DropoutPlan> dropouts = new LinkedHashMap<>();
    private final ImageScheduling images;

    Scheduler(MemoryLayout memory, List<CheckedLayer> topologicalOrder, CheckedLayer outputLayer) {
        this.memory = memory;
        this.outputLayer = outputLayer;
        for (CheckedLayer layer : topologicalOrder) {
            if (memory.trains(layer) || needGradient.contains(layer.input())) {
                needGradient.add(layer);
            }
        }
        this.images = new ImageScheduling(memory, needGradient);
    }

    /** The activation functions the blocks made so far use, in order of first use. */
    List<ActivationFunctionPlan> activationFunctions() {
        return List.copyOf(functions.values());
    }

    /** The dropout layers of the blocks made so far. */
    List<DropoutPlan> dropouts() {
        return List.copyOf(dropouts.values());
    }

    Block forward(CheckedLayer layer) {
        List<Op> ops = new ArrayList<>();
        if (layer.spec() instanceof DenseSpec) {
            ops.add(new Op.MatMul(false, false, rows(layer), Extent.of(units(layer)), Extent.of(in(layer)),
                    activation(memory.output(layer.input())), parameter(memory.kernel(layer)),
                    activation(memory.preActivation(layer))));
        }
        ops.addAll(images.forward(layer));
        if (layer.spec() instanceof ActivatedSpec activated) {
            Parameter bias = memory.bias(layer);
            if (bias != null || kind(activated) != Activation.Kind.LINEAR) {
                ops.add(new Op.BiasActivation(function(layer, activated), rows(layer), layer.shape().last(),
                        activation(memory.preActivation(layer)), bias == null ? null : parameter(bias),
                        activation(memory.output(layer))));
            }
        }
        if (layer.spec() instanceof DropoutSpec) {
            Extent count = Extent.perSample(layer.shape().size());
            Operand x = activation(memory.output(layer.input()));
            Operand y = activation(memory.output(layer));
            ops.add(new Op.Branch(Op.Condition.TRAINING,
                    List.of(new Op.Dropout(dropout(layer), count, x, y)),
                    List.of(new Op.Copy(x, y, count))));
        }
        ops.addAll(SequenceLowering.forward(memory, layer));
        String note = layer.spec() instanceof InputSpec ? "written by the runtime" : sharedMemoryNote(layer);
        return block(layer, ops, note);
    }

    Block backward(CheckedLayer layer) {
        List<Op> ops = new ArrayList<>();
        if (needGradient.contains(layer)) {
            if (layer.spec() instanceof ActivatedSpec activated && kind(activated) != Activation.Kind.LINEAR) {
                ops.add(activationBackward(layer, activated));
            }
            if (layer.spec() instanceof DenseSpec) {
                denseBackward(layer, ops);
            }
            ops.addAll(images.backward(layer));
            if (layer.spec() instanceof DropoutSpec) {
                ops.add(new Op.DropoutBackward(dropout(layer), Extent.perSample(layer.shape().size()),
                        activationGradient(memory.output(layer)), activationGradient(memory.output(layer.input()))));
            }
            ops.addAll(SequenceLowering.backward(memory, layer, needGradient.contains(layer.input())));
        }
        String note;
        if (layer.spec() instanceof InputSpec) {
            note = "an input: no gradient";
        } else if (!needGradient.contains(layer)) {
            note = "no trainable weights before it: no gradient";
        } else {
            note = sharedMemoryNote(layer);
        }
        return block(layer, ops, note);
    }

    /** {@code dz} from {@code dy}, unless the loss already gave {@code dz} (softmax or sigmoid with cross-entropy). */
    private Op activationBackward(CheckedLayer layer, ActivatedSpec activated) {
        Tensor z = memory.preActivation(layer);
        Tensor y = memory.output(layer);
        Op op = new Op.ActivationBackward(function(layer, activated), rows(layer), layer.shape().last(),
                activation(z), activation(y), activationGradient(y), activationGradient(z));
        Activation.Kind kind = kind(activated);
        boolean fusable = kind == Activation.Kind.SOFTMAX || kind == Activation.Kind.SIGMOID;
        return layer == outputLayer && fusable ? new Op.Branch(Op.Condition.OUTPUT_GRADIENT_NOT_FUSED, List.of(op), List.of()) : op;
    }

    private void denseBackward(CheckedLayer layer, List<Op> ops) {
        Operand dz = activationGradient(memory.preActivation(layer));
        Parameter kernel = memory.kernel(layer);
        Parameter bias = memory.bias(layer);
        Tensor x = memory.output(layer.input());
        if (kernel.trainable()) {
            ops.add(new Op.MatMul(true, false, Extent.of(in(layer)), Extent.of(units(layer)), rows(layer),
                    activation(x), dz, gradient(kernel)));
        }
        if (trained(bias)) {
            ops.add(new Op.ColumnSums(rows(layer), units(layer), dz, gradient(bias)));
        }
        if (needGradient.contains(layer.input())) {
            ops.add(new Op.MatMul(false, true, rows(layer), Extent.of(in(layer)), Extent.of(units(layer)),
                    dz, parameter(kernel), activationGradient(x)));
        }
    }

    /** The block, its comment a header naming the declaration and, for a layer without ops, what it does instead. */
    private Block block(CheckedLayer layer, List<Op> ops, String noteWhenEmpty) {
        String header = layer.name() + ": " + layer.spec().describe()
                + (layer.input() == null ? "" : ", " + layer.input().name() + " " + layer.input().shape())
                + " -> " + layer.shape();
        return new Block(ops.isEmpty() && noteWhenEmpty != null ? header + "\n" + noteWhenEmpty : header, List.copyOf(ops));
    }

    /** Null unless the layer's output shares its input's memory (Flatten, Reshape, a LINEAR activation). */
    private String sharedMemoryNote(CheckedLayer layer) {
        return layer.input() != null && memory.output(layer).offset() == memory.output(layer.input()).offset()
                ? "the same values as " + layer.input().name() + ", in the same memory: nothing to compute"
                : null;
    }

    private ActivationFunctionPlan function(CheckedLayer layer, ActivatedSpec activated) {
        return functions.computeIfAbsent(layer, l -> {
            Activation.Kind kind = kind(activated);
            List<Double> thresholds = activated.thresholds().value();
            String name = layer.name() + ".activation";
            return switch (kind) {
                case HEAVISIDE -> {
                    double theta = thresholds.isEmpty() ? 0 : thresholds.get(0);
                    yield new ActivationFunctionPlan(name, kind, theta, theta);
                }
                case THRESHOLDED_LINEAR -> new ActivationFunctionPlan(name, kind, thresholds.get(0), thresholds.get(1));
                default -> new ActivationFunctionPlan(name, kind, 0, 0);
            };
        });
    }

    private DropoutPlan dropout(CheckedLayer layer) {
        return dropouts.computeIfAbsent(layer,
                l -> new DropoutPlan(l.name() + ".rate", l.index(), ((DropoutSpec) l.spec()).rate().value()));
    }

    private static Activation.Kind kind(ActivatedSpec activated) {
        return activated.activationKind().value();
    }

    private static boolean trained(Parameter parameter) {
        return parameter != null && parameter.trainable();
    }

    /** Rows of a last-axis operation: the batch times every axis but the last. */
    private static Extent rows(CheckedLayer layer) {
        return Extent.perSample(layer.shape().rowsPerSample());
    }

    private static int in(CheckedLayer layer) {
        return layer.input().shape().last();
    }

    private static int units(CheckedLayer layer) {
        return layer.shape().last();
    }

    private static Operand activation(Tensor tensor) {
        return new Operand(Space.ACTIVATIONS, tensor);
    }

    private static Operand activationGradient(Tensor tensor) {
        return new Operand(Space.ACTIVATION_GRADIENTS, tensor);
    }

    private static Operand parameter(Parameter parameter) {
        return new Operand(Space.PARAMETERS, parameter);
    }

    private static Operand gradient(Parameter parameter) {
        return new Operand(Space.GRADIENTS, parameter);
    }
}
