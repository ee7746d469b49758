package dev.annonet.runtime;

import dev.annonet.contract.Initializer;
import dev.annonet.dsl.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a generated model tells the runtime about its network, all of it decided at compile time:
 * the input and output, the per-sample size of the activation arena (offsets in generated code
 * are per-sample offsets times the batch size), the parameter layout (trainable parameters first,
 * contiguous, so an optimizer step is one pass; then state that training updates without
 * gradients, such as BatchNormalization's moving statistics; fixed ones last) and the summary rows.
 */
public final class NetworkLayout {

    /**
     * A named weight tensor at {@code offset} in the parameter buffer. {@code fixedValues} is null
     * unless it is fixed in the declaration; {@code state}: not trained by gradients but updated
     * by the forward pass while training (a BatchNormalization's moving statistics).
     */
    public record Parameter(String name, int offset, int[] shape, Initializer init, float[] fixedValues, boolean state) {
        public int size() {
            return NetworkLayout.size(shape);
        }

        public boolean trainable() {
            return fixedValues == null && !state;
        }

        /** Constant: its values are the declaration's. */
        public boolean fixed() {
            return fixedValues != null;
        }
    }

    /** A tensor of one sample in the activation arena. */
    public record Port(String name, int offset, int[] shape) {
        public int size() {
            return NetworkLayout.size(shape);
        }
    }

    /** One row of {@code summary()}, in declaration order. */
    /**
     * One row of {@code summary()}: {@code type} is Keras's class name for the layer (e.g.
     * {@code "Conv2D"}), {@code multiplyAdds} the processor's estimate of one sample's forward work,
     * which {@link Device#auto()} weighs.
     */
    public record LayerRow(String name, String type, int[] outputShape, long parameters, long multiplyAdds) {
    }

    private final String name;
    private final Port input;
    private final int inputIndexLimit;
    private final Port output;
    private final Activation.Kind outputActivation;
    private final int outputPreActivationOffset;
    private final int activationSize;
    private final List<Parameter> parameters;
    private final int trainableSize;
    private final int parameterSize;
    private final List<LayerRow> layers;
    private final Supplier<?> cudaKernels;

    private NetworkLayout(Builder b) {
        this.name = b.name;
        this.input = Objects.requireNonNull(b.input, "input");
        this.inputIndexLimit = b.inputIndexLimit;
        this.output = Objects.requireNonNull(b.output, "output");
        this.outputActivation = b.outputActivation;
        this.outputPreActivationOffset = b.outputPreActivationOffset;
        this.activationSize = b.activationSize;
        this.parameters = List.copyOf(b.parameters);
        this.layers = List.copyOf(b.layers);
        this.cudaKernels = b.cudaKernels;
        int trainable = 0;
        int updated = 0; // trainable and state
        int total = 0;
        for (Parameter p : parameters) {
            if (p.offset() != total) {
                throw new IllegalStateException("parameter " + p.name() + " at " + p.offset() + ", expected " + total);
            }
            if (p.trainable()) {
                if (trainable != total) {
                    throw new IllegalStateException("trainable parameter " + p.name() + " after a state or fixed one");
                }
                trainable += p.size();
            }
            if (!p.fixed()) {
                if (updated != total) {
                    throw new IllegalStateException("state parameter " + p.name() + " after a fixed one");
                }
                updated += p.size();
            }
            total += p.size();
        }
        this.trainableSize = trainable;
        this.parameterSize = total;
    }

    public static Builder builder(String networkName) {
        return new Builder(networkName);
    }

    public String name() {
        return name;
    }

    public Port input() {
        return input;
    }

    public Port output() {
        return output;
    }

    /** 0 when the input holds real values; n when it feeds an Embedding and holds indices in [0, n). */
    public int inputIndexLimit() {
        return inputIndexLimit;
    }

    /** The activation that produced the output (LINEAR when none), which a loss may fuse with. */
    public Activation.Kind outputActivation() {
        return outputActivation;
    }

    /** Per-sample offset of the output activation's input (equal to the output's when LINEAR). */
    public int outputPreActivationOffset() {
        return outputPreActivationOffset;
    }

    /** Values per sample in the activation arena (and in its gradient twin). */
    public int activationSize() {
        return activationSize;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /** Values in the trainable prefix of the parameter buffer (also the gradient buffer's size). */
    public int trainableSize() {
        return trainableSize;
    }

    /** Values in the whole parameter buffer, trainable and fixed. */
    public int parameterSize() {
        return parameterSize;
    }

    /**
     * What makes the network's CUDA kernels, specialized to its constants ({@code <Network>CudaKernels},
     * which the processor writes), or null when none were declared: the CUDA backend's to make and
     * check ({@code CudaSupport.networkKernels}), so that the layout names no backend's types.
     */
    public Supplier<?> cudaKernels() {
        return cudaKernels;
    }

    public List<LayerRow> layers() {
        return layers;
    }

    static int size(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Filled in by generated code, once, in a static initializer. */
    public static final class Builder {
        private final String name;
        private Port input;
        private int inputIndexLimit;
        private Port output;
        private Activation.Kind outputActivation = Activation.Kind.LINEAR;
        private int outputPreActivationOffset = -1;
        private int activationSize;
        private final List<Parameter> parameters = new ArrayList<>();
        private final List<LayerRow> layers = new ArrayList<>();
        private Supplier<?> cudaKernels;

        private Builder(String name) {
            this.name = name;
        }

        public Builder input(String name, int offset, int... shape) {
            this.input = new Port(name, offset, shape.clone());
            return this;
        }

        /** The input feeds an Embedding: its values are indices in [0, limit), checked before training. */
        public Builder inputIndices(int limit) {
            this.inputIndexLimit = limit;
            return this;
        }

        /** The output, the activation that produced it, and where that activation's input lives. */
        public Builder output(String name, int offset, Activation.Kind activation, int preActivationOffset, int... shape) {
            this.output = new Port(name, offset, shape.clone());
            this.outputActivation = activation;
            this.outputPreActivationOffset = preActivationOffset;
            return this;
        }

        /** What makes the network's generated CUDA kernels, only when a CUDA backend starts. */
        public Builder cudaKernels(Supplier<?> kernels) {
            this.cudaKernels = Objects.requireNonNull(kernels, "kernels");
            return this;
        }

        public Builder activationSize(int valuesPerSample) {
            this.activationSize = valuesPerSample;
            return this;
        }

        public Builder trainable(String name, int offset, Initializer init, int... shape) {
            parameters.add(new Parameter(name, offset, shape.clone(), init, null, false));
            return this;
        }

        /** A non-trainable parameter that the forward pass updates while training; after the trainable ones. */
        public Builder state(String name, int offset, Initializer init, int... shape) {
            parameters.add(new Parameter(name, offset, shape.clone(), init, null, true));
            return this;
        }

        public Builder fixed(String name, int offset, float[] values, int... shape) {
            if (values.length != size(shape)) {
                throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + Arrays.toString(shape));
            }
            parameters.add(new Parameter(name, offset, shape.clone(), null, values.clone(), false));
            return this;
        }

        /**
         * A summary row: {@code type} is Keras's class name, shown as it is; {@code multiplyAdds} the
         * layer's forward work per sample (its parameters times how often a sample applies them).
         */
        public Builder layer(String name, String type, int[] outputShape, long parameterCount, long multiplyAdds) {
            layers.add(new LayerRow(name, type, outputShape.clone(), parameterCount, multiplyAdds));
            return this;
        }

        public NetworkLayout build() {
            return new NetworkLayout(this);
        }
    }
}
