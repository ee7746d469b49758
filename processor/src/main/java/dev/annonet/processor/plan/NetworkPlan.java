package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.Shape;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.TypeElement;

/**
 * Everything the writer needs, decided: the memory layout (arena tensors in order, parameters
 * trainable first), the constants the schedule uses (windows in order of first use) and the forward and backward schedules.
 * The inputs in declaration order and the outputs in the order the network names them.
 */
public record NetworkPlan(
        TypeElement declaration,
        String modelName,
        List<InputPort> inputs,
        List<OutputPort> outputs,
        List<ArenaTensor> tensors,
        int activationSize,
        List<ParameterSlot> parameters,
        List<ActivationFunctionPlan> activationFunctions,
        List<DropoutPlan> dropouts,
        List<WindowPlan> windows,
        List<LayerEntry> layers,
        List<Block> forward,
        List<Block> backward,
        Inference inference,
        Gradients gradients) {

    /** The tensor of the scratch that holds nothing between kernel calls, which every layer that needs such scratch shares. */
    public static final String SHARED_SCRATCH = "scratch";

    /**
     * Values the runtime allocates per sample of a training batch: the activations, the arena of
     * their gradients, the targets (at most every output's values) and the loss's weights (one per
     * row of the first output).
     */
    public long trainingValuesPerSample() {
        long targets = outputs.stream().mapToLong(output -> output.port().shape().size()).sum();
        Shape first = outputs.get(0).port().shape();
        return (long) activationSize + gradients.size() + targets + first.size() / first.last();
    }

    /**
     * The most values the runtime allocates per sample of a prediction batch: the inference arena
     * with the whole shared scratch (a backend that does not lower every convolution to im2col
     * needs less of it).
     */
    public long predictionValuesPerSample() {
        return inference.activationSize();
    }

    /** Values the runtime allocates when a model is created: the parameters and the trainable ones' gradients. */
    public long modelValues() {
        return parameters.stream().mapToLong(p -> (p.trainable() ? 2L : 1L) * p.shape().size()).sum();
    }

    /**
     * The arena of a prediction and an evaluation: the inference pass is {@code forward} without
     * training, over {@code tensors} (named as {@link #tensors()}; those of the plan with every
     * pre-activation apart when its arena is smaller: {@code Planner}); {@code activationSize}
     * values per sample, and the per-sample offset of each tensor the pass names, by name, in the
     * order of {@code tensors}; tensors share memory once no later op reads them. The shared scratch
     * ({@link #SHARED_SCRATCH}) comes last; {@code scratchWindows} are the windows of the
     * convolutions whose columns it holds (none when it has none), so that the runtime can leave
     * out what its backend does not use.
     */
    public record Inference(List<Block> forward, List<ArenaTensor> tensors, int activationSize, Map<String, Integer> offsets,
            List<WindowPlan> scratchWindows) {
    }

    /**
     * The arena of the backward pass's activation gradients: {@code size} values per sample, and
     * the per-sample offset of each tensor whose gradient backward names (or the loss writes), by
     * name, in the order of {@link #tensors()}; gradients share memory once no later backward op
     * reads them. A convolution's column gradients take its columns' scratch in the activation arena.
     */
    public record Gradients(int size, Map<String, Integer> offsets) {
    }

    /** An input: {@code indexLimit} is 0, or the Embedding table size when it feeds an Embedding (its values are then indices). */
    public record InputPort(Port port, int indexLimit) {
    }

    /**
     * An output: {@code activation} produced it from {@code preActivation}, and a loss may fuse with
     * it (LINEAR and the output itself when no activation did).
     */
    public record OutputPort(Port port, Activation.Kind activation, ArenaTensor preActivation) {
    }
}
