package dev.annonet.runtime;

import dev.annonet.contract.Initializer;
import dev.annonet.contract.Window2D;
import dev.annonet.dsl.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a generated model tells the runtime about its network, all of it decided at compile time:
 * the inputs and outputs, the per-sample size of the activation arena (offsets in generated code
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

    /**
     * One row of {@code summary()}, in declaration order: {@code type} is Keras's class name for the
     * layer (e.g. {@code "Conv2D"}), {@code multiplyAdds} the processor's estimate of one sample's
     * forward work, which {@link Device#auto()} weighs; {@code inputs} the layers it reads, given
     * only for a network that is not a chain (its summary then has Keras's "Connected to" column).
     */
    public record LayerRow(String name, String type, int[] outputShape, long parameters, long multiplyAdds,
                           List<String> inputs) {
    }

    private final String name;
    private final List<Port> inputs;
    private final List<Integer> inputIndexLimits;
    private final List<Port> outputs;
    private final List<Activation.Kind> outputActivations;
    private final List<Integer> outputPreActivationOffsets;
    private final int activationSize;
    private final int gradientSize;
    private final int[] gradientOutputOffsets;
    private final int[] gradientPreActivationOffsets;
    private final int inferenceActivationSize;
    private final int[] inferenceInputOffsets;
    private final int[] inferenceOutputOffsets;
    private final int[] inferencePreActivationOffsets;
    private final int inferenceScratchOffset;
    private final List<Window2D> scratchWindows;
    private final List<Parameter> parameters;
    private final int trainableSize;
    private final int parameterSize;
    private final List<LayerRow> layers;
    private final Supplier<?> cudaKernels;

    private NetworkLayout(Builder b) {
        this.name = b.name;
        if (b.inputs.isEmpty() || b.outputs.isEmpty()) {
            throw new IllegalStateException(name + " needs an input and an output");
        }
        this.inputs = List.copyOf(b.inputs);
        this.inputIndexLimits = List.copyOf(b.inputIndexLimits);
        this.outputs = List.copyOf(b.outputs);
        this.outputActivations = List.copyOf(b.outputActivations);
        this.outputPreActivationOffsets = List.copyOf(b.outputPreActivationOffsets);
        this.activationSize = b.activationSize;
        if (b.gradientOutputOffsets == null) {
            this.gradientSize = activationSize;
            this.gradientOutputOffsets = outputs.stream().mapToInt(Port::offset).toArray();
            this.gradientPreActivationOffsets = outputPreActivationOffsets.stream().mapToInt(Integer::intValue).toArray();
        } else {
            if (b.gradientOutputOffsets.length != outputs.size() || b.gradientPreActivationOffsets.length != outputs.size()) {
                throw new IllegalStateException(name + ": gradient offsets for " + b.gradientOutputOffsets.length
                        + " outputs and " + b.gradientPreActivationOffsets.length + " pre-activations, but it has "
                        + outputs.size() + " outputs");
            }
            this.gradientSize = b.gradientSize;
            this.gradientOutputOffsets = b.gradientOutputOffsets;
            this.gradientPreActivationOffsets = b.gradientPreActivationOffsets;
        }
        if (b.inferenceInputOffsets == null) {
            this.inferenceActivationSize = activationSize;
            this.inferenceInputOffsets = inputs.stream().mapToInt(Port::offset).toArray();
            this.inferenceOutputOffsets = outputs.stream().mapToInt(Port::offset).toArray();
            this.inferencePreActivationOffsets = outputPreActivationOffsets.stream().mapToInt(Integer::intValue).toArray();
        } else {
            if (b.inferenceInputOffsets.length != inputs.size() || b.inferenceOutputOffsets.length != outputs.size()
                    || b.inferencePreActivationOffsets.length != outputs.size()) {
                throw new IllegalStateException(name + ": inference offsets for " + b.inferenceInputOffsets.length
                        + " inputs, " + b.inferenceOutputOffsets.length + " outputs and "
                        + b.inferencePreActivationOffsets.length + " pre-activations, but it has " + inputs.size()
                        + " inputs and " + outputs.size() + " outputs");
            }
            this.inferenceActivationSize = b.inferenceActivationSize;
            this.inferenceInputOffsets = b.inferenceInputOffsets;
            this.inferenceOutputOffsets = b.inferenceOutputOffsets;
            this.inferencePreActivationOffsets = b.inferencePreActivationOffsets;
        }
        this.scratchWindows = List.copyOf(b.scratchWindows);
        if (scratchWindows.isEmpty()) {
            this.inferenceScratchOffset = inferenceActivationSize;
        } else {
            long scratch = scratchWindows.stream().mapToLong(NetworkLayout::columns).max().orElseThrow();
            if (b.inferenceInputOffsets == null || b.inferenceScratchOffset + scratch != inferenceActivationSize) {
                throw new IllegalStateException(name + ": a convolution scratch of " + scratch + " values at "
                        + b.inferenceScratchOffset + " is not the end of an inference arena of " + inferenceActivationSize);
            }
            this.inferenceScratchOffset = b.inferenceScratchOffset;
        }
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

    /** The first input: the only one of a network with one. */
    public Port input() {
        return inputs.get(0);
    }

    /** The first output: the only one of a network with one. */
    public Port output() {
        return outputs.get(0);
    }

    /** The inputs in declaration order. */
    public List<Port> inputs() {
        return inputs;
    }

    /** The outputs in the order the network names them. */
    public List<Port> outputs() {
        return outputs;
    }

    /** Whether the network has one input and one output, which the untyped fit, evaluate and predict take. */
    public boolean singlePorts() {
        return inputs.size() == 1 && outputs.size() == 1;
    }

    /** Refuses a network with several inputs or outputs for {@code what}, which reads one of each. */
    void requireSinglePorts(String what) {
        if (!singlePorts()) {
            throw new IllegalArgumentException(what + " takes a network with one input and one output; " + name + " has "
                    + inputs.size() + " inputs and " + outputs.size() + " outputs");
        }
    }

    /** {@link #inputIndexLimit(int)} of the first input. */
    public int inputIndexLimit() {
        return inputIndexLimit(0);
    }

    /** 0 when input {@code i} holds real values; n when it feeds an Embedding and holds indices in [0, n). */
    public int inputIndexLimit(int i) {
        return inputIndexLimits.get(i);
    }

    /** {@link #outputActivation(int)} of the first output. */
    public Activation.Kind outputActivation() {
        return outputActivation(0);
    }

    /** The activation that produced output {@code o} (LINEAR when none), which a loss may fuse with. */
    public Activation.Kind outputActivation(int o) {
        return outputActivations.get(o);
    }

    /** {@link #outputPreActivationOffset(int)} of the first output. */
    public int outputPreActivationOffset() {
        return outputPreActivationOffset(0);
    }

    /** Per-sample offset of output {@code o}'s activation's input (equal to the output's when LINEAR). */
    public int outputPreActivationOffset(int o) {
        return outputPreActivationOffsets.get(o);
    }

    /** Values per sample in the activation arena of training. */
    public int activationSize() {
        return activationSize;
    }

    /**
     * Values per sample in the arena of the activations' gradients ({@code Model.backward}), where
     * gradients share memory once no later backward op reads them; the activation arena's size (a
     * twin, same offsets) when the network has no gradient arena of its own.
     */
    public int gradientSize() {
        return gradientSize;
    }

    /** Per-sample offset of output {@code o}'s gradient in the gradient arena, where a loss that does not fuse writes it. */
    public int gradientOutputOffset(int o) {
        return gradientOutputOffsets[o];
    }

    /**
     * Per-sample offset, in the gradient arena, of the gradient of output {@code o}'s activation's
     * input, where a loss that fuses with the activation writes it.
     */
    public int gradientPreActivationOffset(int o) {
        return gradientPreActivationOffsets[o];
    }

    /**
     * Values per sample in the arena of a prediction and an evaluation ({@code Model.infer}), where
     * tensors share memory once no later layer reads them; the training arena's size when the
     * network has no arena of its own for inference.
     */
    public int inferenceActivationSize() {
        return inferenceActivationSize;
    }

    /**
     * Values per sample in the arena of a prediction on a backend whose {@code conv2d} uses the
     * columns of the windows {@code usesColumns} accepts: the {@link #inferenceActivationSize()}
     * less the part of the convolution scratch, at the arena's end, that no such window needs.
     */
    public int inferenceActivationSize(Predicate<Window2D> usesColumns) {
        long needed = scratchWindows.stream().filter(usesColumns).mapToLong(NetworkLayout::columns).max().orElse(0);
        return (int) (inferenceScratchOffset + needed);
    }

    /** Per-sample values of a convolution's im2col columns: one window's values per output position. */
    private static long columns(Window2D window) {
        return (long) window.outputPositions() * window.patchSize();
    }

    /** Per-sample offset of input {@code i} in the inference arena. */
    public int inferenceInputOffset(int i) {
        return inferenceInputOffsets[i];
    }

    /** Per-sample offset of output {@code o} in the inference arena. */
    public int inferenceOutputOffset(int o) {
        return inferenceOutputOffsets[o];
    }

    /**
     * Per-sample offset, in the inference arena, of output {@code o}'s activation's input, which a
     * loss that fuses with the activation reads after the pass (an evaluation).
     */
    public int inferencePreActivationOffset(int o) {
        return inferencePreActivationOffsets[o];
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
        private final List<Port> inputs = new ArrayList<>();
        private final List<Integer> inputIndexLimits = new ArrayList<>();
        private final List<Port> outputs = new ArrayList<>();
        private final List<Activation.Kind> outputActivations = new ArrayList<>();
        private final List<Integer> outputPreActivationOffsets = new ArrayList<>();
        private int activationSize;
        private int gradientSize;
        private int[] gradientOutputOffsets;
        private int[] gradientPreActivationOffsets;
        private int inferenceActivationSize;
        private int[] inferenceInputOffsets;
        private int[] inferenceOutputOffsets;
        private int[] inferencePreActivationOffsets;
        private int inferenceScratchOffset;
        private final List<Window2D> scratchWindows = new ArrayList<>();
        private final List<Parameter> parameters = new ArrayList<>();
        private final List<LayerRow> layers = new ArrayList<>();
        private Supplier<?> cudaKernels;

        private Builder(String name) {
            this.name = name;
        }

        /** The next input, in declaration order. */
        public Builder input(String name, int offset, int... shape) {
            inputs.add(new Port(name, offset, shape.clone()));
            inputIndexLimits.add(0);
            return this;
        }

        /** The input just added feeds an Embedding: its values are indices in [0, limit), checked before training. */
        public Builder inputIndices(int limit) {
            inputIndexLimits.set(inputIndexLimits.size() - 1, limit);
            return this;
        }

        /** The next output, the activation that produced it, and where that activation's input lives. */
        public Builder output(String name, int offset, Activation.Kind activation, int preActivationOffset, int... shape) {
            outputs.add(new Port(name, offset, shape.clone()));
            outputActivations.add(activation);
            outputPreActivationOffsets.add(preActivationOffset);
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

        /**
         * The arena of the activations' gradients: {@code valuesPerSample} values per sample, the
         * offsets in it of the outputs' gradients and of their activations' inputs' (in the order
         * the outputs were added), where the loss writes. Without it, the gradients are a twin of
         * the activation arena, at the same offsets.
         */
        public Builder gradients(int valuesPerSample, int[] outputOffsets, int[] preActivationOffsets) {
            this.gradientSize = valuesPerSample;
            this.gradientOutputOffsets = outputOffsets.clone();
            this.gradientPreActivationOffsets = preActivationOffsets.clone();
            return this;
        }

        /**
         * The arena of a prediction and an evaluation: {@code valuesPerSample} values per sample,
         * the inputs', the outputs' and the outputs' activations' inputs' offsets in it (in the
         * order they were added), all of which hold their values after the pass. Without it, both
         * run {@code forward} in the training arena.
         */
        public Builder inference(int valuesPerSample, int[] inputOffsets, int[] outputOffsets, int[] preActivationOffsets) {
            this.inferenceActivationSize = valuesPerSample;
            this.inferenceInputOffsets = inputOffsets.clone();
            this.inferenceOutputOffsets = outputOffsets.clone();
            this.inferencePreActivationOffsets = preActivationOffsets.clone();
            return this;
        }

        /**
         * The inference arena ends with the convolution scratch, at per-sample {@code offset}, as
         * large as the largest columns of the convolutions of {@code windows}, which share it: a
         * prediction holds only the part its backend's convolutions use.
         */
        public Builder convolutionScratch(int offset, Window2D... windows) {
            this.inferenceScratchOffset = offset;
            this.scratchWindows.addAll(List.of(windows));
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
            layers.add(new LayerRow(name, type, outputShape.clone(), parameterCount, multiplyAdds, List.of()));
            return this;
        }

        /** The layers the row just added reads, for the summary of a network that is not a chain. */
        public Builder from(String... inputs) {
            if (layers.isEmpty()) {
                throw new IllegalStateException(name + ": from(...) before any layer(...)");
            }
            LayerRow row = layers.remove(layers.size() - 1);
            layers.add(new LayerRow(row.name(), row.type(), row.outputShape(), row.parameters(), row.multiplyAdds(),
                    List.of(inputs)));
            return this;
        }

        public NetworkLayout build() {
            return new NetworkLayout(this);
        }
    }
}
