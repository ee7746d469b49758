package dev.annonet.processor.plan;

import dev.annonet.contract.Window2D;
import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.kinds.ResolvedLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Lowers each layer to the kernel calls of its forward and backward blocks: its kind's ops, and
 * for an activated layer the bias and activation function after them (and their backward before),
 * unless the kind's ops apply the activation themselves.
 *
 * <p>Backward computes a gradient only where a trainable parameter lies upstream: an input's
 * gradient is never computed, nor that of a layer fed only by fixed weights. Backward ops
 * overwrite the input gradients they write. A tensor that several layers read (fan-out) gets the
 * sum of their gradients: the first of them in backward order writes the tensor's gradient
 * directly, each later one writes into the tensor's gradient part and a SUM merge adds that in
 * (see {@link InputGradients}). An output feeds no layer, so the loss alone writes its gradient.
 */
final class Scheduler {
    private final MemoryLayout memory;
    private final List<CheckedLayer> outputLayers;
    private final Set<CheckedLayer> needGradient = new HashSet<>();
    private final Map<CheckedLayer, ActivationFunctionPlan> functions = new LinkedHashMap<>();
    private final Map<CheckedLayer, DropoutPlan> dropouts = new LinkedHashMap<>();
    private final Map<CheckedLayer, WindowPlan> windows = new LinkedHashMap<>();
    /** Tensors (owners of memory) whose gradient a backward block made so far has written. */
    private final Set<ArenaTensor> gradientsWritten = new HashSet<>();

    Scheduler(MemoryLayout memory, List<CheckedLayer> topologicalOrder, List<CheckedLayer> outputLayers) {
        this.memory = memory;
        this.outputLayers = outputLayers;
        for (CheckedLayer layer : topologicalOrder) {
            if (memory.trains(layer) || layer.inputs().stream().anyMatch(needGradient::contains)) {
                needGradient.add(layer);
            }
        }
    }

    /** The activation functions the blocks made so far use, in order of first use. */
    List<ActivationFunctionPlan> activationFunctions() {
        return List.copyOf(functions.values());
    }

    /** The dropout layers of the blocks made so far. */
    List<DropoutPlan> dropouts() {
        return List.copyOf(dropouts.values());
    }

    /** The windows of the blocks made so far, in order of first use. */
    List<WindowPlan> windows() {
        return List.copyOf(windows.values());
    }

    WindowPlan window(CheckedLayer layer, Window2D geometry) {
        return windows.computeIfAbsent(layer, l -> new WindowPlan(l.name() + ".window", geometry));
    }

    DropoutPlan dropout(CheckedLayer layer, double rate) {
        return dropouts.computeIfAbsent(layer, l -> new DropoutPlan(l.name() + ".rate", l.index(), rate));
    }

    Block forward(CheckedLayer layer) {
        List<Op> ops = new ArrayList<>(layer.layer().forward(ops(layer)));
        Optional<ResolvedLayer.Activated> activated = layer.layer().activation();
        if (activated.isPresent() && !layer.layer().appliesActivation()) {
            ParameterSlot bias = memory.parameter(layer, "bias");
            if (bias != null || activated.get().kind() != Activation.Kind.LINEAR) {
                ops.add(new Op.BiasActivation(function(layer, activated.get()), rows(layer), layer.shape().last(),
                        activation(memory.preActivation(layer)), bias == null ? null : new Operand(Space.PARAMETERS, bias),
                        activation(memory.output(layer))));
            }
        }
        String note = layer.inputs().isEmpty() ? "written by the runtime" : sharedMemoryNote(layer);
        return block(layer, ops, note);
    }

    /** Blocks in backward order: the order decides which reader of a tensor writes its gradient first. */
    Block backward(CheckedLayer layer) {
        List<Op> ops = new ArrayList<>();
        if (needGradient.contains(layer)) {
            InputGradients gradients = new InputGradients(layer);
            layer.layer().activation()
                    .filter(activated -> activated.kind() != Activation.Kind.LINEAR)
                    .ifPresent(activated -> ops.add(activationBackward(layer, activated, gradients)));
            ops.addAll(layer.layer().backward(new LayerOps(layer, memory, this, gradients::target)));
            ops.addAll(gradients.additions);
        }
        String note;
        if (layer.inputs().isEmpty()) {
            note = "an input: no gradient";
        } else if (!needGradient.contains(layer)) {
            note = "no trainable weights before it: no gradient";
        } else {
            note = sharedMemoryNote(layer);
        }
        return block(layer, ops, note);
    }

    private LayerOps ops(CheckedLayer layer) {
        return new LayerOps(layer, memory, this, input -> {
            throw new IllegalStateException(layer.name() + ": a forward op asked for an input gradient");
        });
    }

    /**
     * {@code dz} from {@code dy}, unless the loss already gave {@code dz} (softmax or sigmoid with
     * cross-entropy). An Activation layer's {@code z} is its input, so its {@code dz} is the input's gradient.
     */
    private Op activationBackward(CheckedLayer layer, ResolvedLayer.Activated activated, InputGradients gradients) {
        ArenaTensor z = memory.preActivation(layer);
        ArenaTensor y = memory.output(layer);
        // In place, y is z and dy is dz: the layer's output gradient, which a later layer's backward wrote.
        Operand dz = activated.ownPreActivation() || memory.inPlace(layer) ? activationGradient(z) : gradients.target(0);
        Op op = new Op.ActivationBackward(function(layer, activated), rows(layer), layer.shape().last(),
                activation(z), activation(y), activationGradient(y), dz);
        boolean fusable = activated.kind() == Activation.Kind.SOFTMAX || activated.kind() == Activation.Kind.SIGMOID;
        return outputLayers.contains(layer) && fusable ? new Op.Branch(Op.Condition.OUTPUT_GRADIENT_NOT_FUSED, List.of(op), List.of()) : op;
    }

    /**
     * The block, its comment a header naming the declaration, whether its ReLU runs in place and,
     * for a layer without ops, what it does instead.
     */
    private Block block(CheckedLayer layer, List<Op> ops, String noteWhenEmpty) {
        String header = layer.name() + ": " + layer.declaration()
                + layer.inputs().stream().map(input -> ", " + input.name() + " " + input.shape()).collect(Collectors.joining())
                + " -> " + layer.shape();
        if (memory.inPlace(layer)) {
            header += "\nits ReLU in place: " + layer.name() + " is written over " + memory.preActivation(layer).name()
                    + ", and relu' is read from it";
        }
        return new Block(ops.isEmpty() && noteWhenEmpty != null ? header + "\n" + noteWhenEmpty : header, List.copyOf(ops),
                null);
    }

    /** Null unless the layer's output shares its input's memory (Flatten, Reshape, a LINEAR activation). */
    private String sharedMemoryNote(CheckedLayer layer) {
        return layer.inputs().size() == 1 && memory.output(layer).offset() == memory.output(layer.input()).offset()
                ? "the same values as " + layer.input().name() + ", in the same memory: nothing to compute"
                : null;
    }

    ActivationFunctionPlan function(CheckedLayer layer, ResolvedLayer.Activated activated) {
        return functions.computeIfAbsent(layer, l -> {
            Activation.Kind kind = activated.kind();
            List<Double> thresholds = activated.thresholds();
            String name = layer.name() + ".activation";
            return switch (kind) {
                case HEAVISIDE -> {
                    double theta = thresholds.isEmpty() ? 0 : thresholds.get(0);
                    yield new ActivationFunctionPlan(name, kind, theta, theta, 0);
                }
                case THRESHOLDED_LINEAR -> new ActivationFunctionPlan(name, kind, thresholds.get(0), thresholds.get(1), 0);
                // a ReLU layer's threshold, maxValue and negativeSlope; none for a plain ReLU
                default -> thresholds.size() == 3
                        ? new ActivationFunctionPlan(name, kind, thresholds.get(0), thresholds.get(1), thresholds.get(2))
                        : new ActivationFunctionPlan(name, kind, 0, Double.POSITIVE_INFINITY, 0);
            };
        });
    }

    /**
     * Where one layer's backward block writes its inputs' gradients, each decided once, when the
     * block first asks: a tensor's first writer writes its gradient itself; a later one writes the
     * tensor's gradient part and the block ends by adding it in. Input gradients no trainable
     * weight needs are null.
     */
    private final class InputGradients {
        private final CheckedLayer layer;
        private final Map<Integer, Optional<Operand>> targets = new HashMap<>();
        private final List<Op> additions = new ArrayList<>();

        InputGradients(CheckedLayer layer) {
            this.layer = layer;
        }

        Operand target(int input) {
            return targets.computeIfAbsent(input, this::decide).orElse(null);
        }

        private Optional<Operand> decide(int input) {
            CheckedLayer read = layer.inputs().get(input);
            if (!needGradient.contains(read)) {
                return Optional.empty();
            }
            ArenaTensor tensor = memory.output(read);
            ArenaTensor owner = MemoryLayout.owner(tensor);
            if (gradientsWritten.add(owner)) {
                return Optional.of(activationGradient(tensor));
            }
            ArenaTensor part = memory.gradientPart(owner);
            if (part == null) {
                throw new IllegalStateException(layer.name() + " is a second reader of " + owner.name() + ", which has no gradient part");
            }
            additions.add(new Op.Merge(Op.MergeKind.SUM, 1, 1, Extent.perSample(owner.size()),
                    activationGradient(part), activationGradient(owner), null));
            return Optional.of(activationGradient(part));
        }
    }

    /** Rows of a last-axis operation: the batch times every axis but the last. */
    private static Extent rows(CheckedLayer layer) {
        return Extent.perSample(layer.shape().rowsPerSample());
    }

    private static Operand activation(ArenaTensor tensor) {
        return new Operand(Space.ACTIVATIONS, tensor);
    }

    private static Operand activationGradient(ArenaTensor tensor) {
        return new Operand(Space.ACTIVATION_GRADIENTS, tensor);
    }
}
