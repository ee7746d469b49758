package dev.annonet.processor.plan;

import dev.annonet.contract.Window2D;
import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.kinds.ResolvedLayer;
import java.util.function.IntFunction;

/**
 * What a layer's kind lowers its forward and backward ops with: the operands of its tensors and
 * weights, placed by the planner, and the model constants it needs. A gradient the pass does not
 * compute is null: {@code dx} when the input needs none, a weight's when it is not trained.
 */
public final class LayerOps {
    private final CheckedLayer layer;
    private final MemoryLayout memory;
    private final Scheduler scheduler;
    private final IntFunction<Operand> inputGradients;

    /** {@code inputGradients}: where the gradient of input i goes (null when none is computed), asked once per input. */
    LayerOps(CheckedLayer layer, MemoryLayout memory, Scheduler scheduler, IntFunction<Operand> inputGradients) {
        this.layer = layer;
        this.memory = memory;
        this.scheduler = scheduler;
        this.inputGradients = inputGradients;
    }

    public CheckedLayer layer() {
        return layer;
    }

    /** The input's output, for a layer that reads one. */
    public Operand x() {
        return activation(memory.output(layer.input()));
    }

    /** The output of input {@code i}, in {@code from}'s order. */
    public Operand x(int i) {
        return activation(memory.output(layer.inputs().get(i)));
    }

    public Operand y() {
        return activation(memory.output(layer));
    }

    /** The activation function of an activated layer, for a kind whose own ops apply it ({@link ResolvedLayer#appliesActivation}). */
    public ActivationFunctionPlan activationFunction() {
        return scheduler.function(layer, layer.layer().activation()
                .orElseThrow(() -> new IllegalStateException(layer.name() + " has no activation function")));
    }

    /** The pre-activation of an activated layer. */
    public Operand z() {
        return activation(memory.preActivation(layer));
    }

    public Operand scratch() {
        return activation(memory.scratch(layer));
    }

    /** Where backward writes the input's gradient (overwriting it), for a layer that reads one. */
    public Operand dx() {
        if (layer.inputs().size() != 1) {
            throw new IllegalStateException(layer.name() + " reads " + layer.inputs().size() + " layers; name one with dx(i)");
        }
        return dx(0);
    }

    /**
     * Where backward writes the gradient of input {@code i}, overwriting it: the input's own
     * gradient, or, when another layer that reads the same tensor wrote that already, a gradient
     * part the planner adds in after the block.
     */
    public Operand dx(int i) {
        return inputGradients.apply(i);
    }

    public Operand dy() {
        return activationGradient(memory.output(layer));
    }

    public Operand dz() {
        return activationGradient(memory.preActivation(layer));
    }

    /** The scratch tensor's gradient, free for the backward pass: scratch of its size in the gradient arena. */
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
