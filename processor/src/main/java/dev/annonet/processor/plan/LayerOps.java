package dev.annonet.processor.plan;

import dev.annonet.contract.Window2D;
import dev.annonet.processor.check.CheckedLayer;

/**
 * What a layer's kind lowers its forward and backward ops with: the operands of its tensors and
 * weights, placed by the planner, and the model constants it needs. A gradient the pass does not
 * compute is null: {@code dx} when the input needs none, a weight's when it is not trained.
 */
public final class LayerOps {
    private final CheckedLayer layer;
    private final MemoryLayout memory;
    private final Scheduler scheduler;
    private final boolean inputGradient;

    LayerOps(CheckedLayer layer, MemoryLayout memory, Scheduler scheduler, boolean inputGradient) {
        this.layer = layer;
        this.memory = memory;
        this.scheduler = scheduler;
        this.inputGradient = inputGradient;
    }

    public CheckedLayer layer() {
        return layer;
    }

    /** The input's output. */
    public Operand x() {
        return activation(memory.output(layer.input()));
    }

    public Operand y() {
        return activation(memory.output(layer));
    }

    /** The pre-activation of an activated layer. */
    public Operand z() {
        return activation(memory.preActivation(layer));
    }

    public Operand scratch() {
        return activation(memory.scratch(layer));
    }

    public Operand dx() {
        return inputGradient ? activationGradient(memory.output(layer.input())) : null;
    }

    public Operand dy() {
        return activationGradient(memory.output(layer));
    }

    public Operand dz() {
        return activationGradient(memory.preActivation(layer));
    }

    /** The scratch tensor's twin in the gradient arena, free for the backward pass. */
    public Operand dScratch() {
        return activationGradient(memory.scratch(layer));
    }

    /** The weight {@code <layer>.<what>}, null when the layer has none. */
    public Operand parameter(String what) {
        ParameterSlot parameter = memory.parameter(layer, what);
        return parameter == null ? null : new Operand(Space.PARAMETERS, parameter);
    }

    /** The gradient of the weight {@code <layer>.<what>}, null when it has none or is not trained. */
    public Operand gradient(String what) {
        ParameterSlot parameter = memory.parameter(layer, what);
        return parameter == null || !parameter.trainable() ? null : new Operand(Space.GRADIENTS, parameter);
    }

    /** Rows of a last-axis operation: the batch times every axis but the last. */
    public Extent rows() {
        return Extent.perSample(layer.shape().rowsPerSample());
    }

    /** The layer's window, a constant of the model class. */
    public WindowPlan window(Window2D geometry) {
        return scheduler.window(layer, geometry);
    }

    /** The layer's dropout, with the constants of its rate and seed. */
    public DropoutPlan dropout(double rate) {
        return scheduler.dropout(layer, rate);
    }

    private static Operand activation(ArenaTensor tensor) {
        return new Operand(Space.ACTIVATIONS, tensor);
    }

    private static Operand activationGradient(ArenaTensor tensor) {
        return new Operand(Space.ACTIVATION_GRADIENTS, tensor);
    }
}
