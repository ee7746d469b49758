package dev.annonet.processor.plan;

import dev.annonet.dsl.Activation;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * Everything the writer needs, decided: the memory layout (arena tensors in order, parameters
 * trainable first), the constants the schedule uses (windows in order of first use) and the forward and backward schedules.
 * {@code outputActivation} produced the output from {@code outputPreActivation}; a loss may fuse
 * with it (LINEAR and the output itself when no activation did). {@code inputIndexLimit} is 0, or
 * the Embedding table size when the input feeds an Embedding (its values are then indices).
 */
public record NetworkPlan(
        TypeElement declaration,
        String modelName,
        Port input,
        int inputIndexLimit,
        Port output,
        Activation.Kind outputActivation,
        ArenaTensor outputPreActivation,
        List<ArenaTensor> tensors,
        int activationSize,
        List<ParameterSlot> parameters,
        List<ActivationFunctionPlan> activationFunctions,
        List<DropoutPlan> dropouts,
        List<WindowPlan> windows,
        List<LayerEntry> layers,
        List<Block> forward,
        List<Block> backward) {
}
