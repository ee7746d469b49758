package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;
import java.util.List;
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
        List<Block> backward) {

    /** The tensor of the scratch that holds nothing between kernel calls, which every layer that needs such scratch shares. */
    public static final String SHARED_SCRATCH = "scratch";

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
