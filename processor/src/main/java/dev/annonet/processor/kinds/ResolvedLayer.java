package dev.annonet.processor.kinds;

import dev.annonet.dsl.Activation;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.WeightValues;
import java.util.List;
import java.util.Optional;

/**
 * A checked layer as its kind resolved it over its input: everything the planner and the writer
 * need, so that they never look at annotations. The defaults describe a layer without weights that
 * writes its own output tensor and computes nothing.
 */
public interface ResolvedLayer {

    /** One sample's output shape. */
    Shape shape();

    /** The layer's weights, {@code <layer>.<what>}, in the order they are placed within their group (kernel before bias). */
    default List<Weight> weights() {
        return List.of();
    }

    /**
     * The activation function applied last: the planner then gives the layer a pre-activation
     * {@code z} (its own tensor, or its input's when {@code ownPreActivation} is false) and adds
     * the bias ({@code <layer>.bias}, when there is one) with the function after the kind's forward ops.
     */
    default Optional<Activated> activation() {
        return Optional.empty();
    }

    /**
     * Whether the kind's forward ops apply the activation themselves (an element-wise merge, in the
     * pass of its last input) from {@code z} into {@code y}: the planner then adds no bias and
     * activation op, only the activation's backward.
     */
    default boolean appliesActivation() {
        return false;
    }

    /**
     * How many times a forward pass applies the weights to one sample: once for most layers, at every
     * output position for a convolution, at every time step for a recurrent layer. The runtime's work
     * estimate (which device pays) is the weights times this.
     */
    default long weightUses() {
        return 1;
    }

    /** Flatten and Reshape: the output is the input's memory, seen with another shape. */
    default boolean sharesInputMemory() {
        return false;
    }

    /**
     * A per-sample scratch tensor ({@code <layer>.<what>}): one the forward pass fills for the
     * backward pass, or one that holds nothing between calls, which all such layers share.
     */
    default Optional<Scratch> scratch() {
        return Optional.empty();
    }

    /** Above 0 when the layer reads its input as indices below this limit (an Embedding). */
    default int indexLimit() {
        return 0;
    }

    /** Whether the model's accessor returns a {@code DenseLayer} (kernel and bias by name). */
    default boolean denseView() {
        return false;
    }

    /** The kernel calls that compute the output (or {@code z} when activated). */
    default List<Op> forward(LayerOps ops) {
        return List.of();
    }

    /** The kernel calls of a layer that needs a gradient, after the activation's backward when activated. */
    default List<Op> backward(LayerOps ops) {
        return List.of();
    }

    record Weight(String what, Shape shape, WeightValues values) {
    }

    /**
     * {@code thresholds}: HEAVISIDE's θ, THRESHOLDED_LINEAR's θ1 and θ2, or a ReLU layer's threshold,
     * maxValue and negativeSlope.
     */
    record Activated(Activation.Kind kind, List<Double> thresholds, boolean ownPreActivation) {
    }

    /**
     * {@code keptForBackward}: the forward pass leaves in it what the backward pass reads (a
     * BatchNormalization's statistics); when false it is live only inside one kernel call (a
     * convolution's im2col columns) and the planner gives every such layer one shared region, sized
     * to the largest, in the activation arena.
     */
    record Scratch(String what, int size, boolean keptForBackward) {
        public Scratch(String what, int size) {
            this(what, size, true);
        }
    }
}
