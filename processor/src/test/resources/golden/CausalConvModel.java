package example;

import dev.annonet.contract.Initializer;
import dev.annonet.contract.Window2D;
import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Layer;
import dev.annonet.runtime.DenseLayer;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.NetworkLayout;
import dev.annonet.runtime.WeightedLayer;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Memory;
import javax.annotation.processing.Generated;

/**
 * The model of {@link CausalConv}, written by the annonet processor: its memory layout and its
 * forward and backward passes. Create one with {@link #create}.
 *
 * <p>A constant named after a tensor is its offset per sample in the activation arena: the
 * tensor of a batch starts at {@code batch * OFFSET}. A constant named after a parameter is its
 * offset in the parameter buffer and, for a trainable one, in the gradient buffer. A prediction
 * and an evaluation run {@code infer} in an arena of their own, where tensors share memory once
 * dead, at the offsets of the nested class {@code Inference}; {@code backward} keeps the
 * activations' gradients so, at the offsets of the nested class {@code Gradients}.
 */
@Generated("dev.annonet.processor.NetworkProcessor")
public final class CausalConvModel extends Model implements CausalConv {
    /**
     * series: 32 values per sample.
     */
    private static final int SERIES = 0;

    /**
     * conv.z: 64 values per sample.
     */
    private static final int CONV_Z = 32;

    /**
     * conv: the values of conv.z, in the same memory.
     */
    private static final int CONV = CONV_Z;

    /**
     * flat: the values of conv.z, in the same memory.
     */
    private static final int FLAT = CONV_Z;

    /**
     * output.z: 1 values per sample.
     */
    private static final int OUTPUT_Z = 96;

    /**
     * output: 1 values per sample.
     */
    private static final int OUTPUT = 97;

    /**
     * scratch: 96 values per sample.
     * The largest scratch of a layer: every layer whose scratch holds nothing between calls
     * (a convolution's im2col columns) uses it inside its call.
     */
    private static final int SCRATCH = 98;

    /**
     * conv.kernel (3, 2, 4), trainable.
     */
    private static final int CONV_KERNEL = 0;

    /**
     * conv.bias (4), trainable.
     */
    private static final int CONV_BIAS = 24;

    /**
     * output.kernel (64, 1), trainable.
     */
    private static final int OUTPUT_KERNEL = 28;

    /**
     * output.bias (1), trainable.
     */
    private static final int OUTPUT_BIAS = 92;

    private static final ActivationFunction CONV_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);

    private static final ActivationFunction OUTPUT_ACTIVATION = ActivationFunction.of(Activation.Kind.SIGMOID);

    private static final Window2D CONV_WINDOW = Window2D.input(1, 16, 2).window(1, 3).dilation(1, 2).padding(0, 4)
            .output(1, 16, 4);

    /**
     * Every parameter (Keras's "Total params"), as {@link #parameterCount()} counts them.
     */
    public static final long PARAMETER_COUNT = 93L;

    /**
     * The parameters the optimizer changes, as {@link #trainableParameterCount()} counts them.
     */
    public static final long TRAINABLE_PARAMETER_COUNT = 93L;

    /**
     * Fixed parameters and moving statistics, as {@link #nonTrainableParameterCount()} counts them.
     */
    public static final long NON_TRAINABLE_PARAMETER_COUNT = 0L;

    /**
     * Values allocated per sample of a training batch: the activations, the arena of their gradients,
     * the targets and the loss's weights.
     */
    public static final long TRAINING_VALUES_PER_SAMPLE = 262L;

    /**
     * The most values allocated per sample of a prediction batch: the activations with the whole
     * convolution scratch (a backend that convolves without im2col allocates less of it).
     */
    public static final long PREDICTION_VALUES_PER_SAMPLE = 192L;

    /**
     * Values allocated when the model is created: the parameters and the trainable ones' gradients
     * (compile adds the optimizer's state).
     */
    public static final long MODEL_VALUES = 186L;

    private static final NetworkLayout LAYOUT = NetworkLayout.builder("CausalConv")
            .input("series", SERIES, 16, 2)
            .output("output", OUTPUT, Activation.Kind.SIGMOID, OUTPUT_Z, 1)
            .activationSize(194)
            .inference(192, new int[] {Inference.SERIES}, new int[] {Inference.OUTPUT},
                    new int[] {Inference.OUTPUT_Z})
            .gradients(66, new int[] {Gradients.OUTPUT}, new int[] {Gradients.OUTPUT_Z})
            .convolutionScratch(Inference.SCRATCH, CONV_WINDOW)
            .trainable("conv.kernel", CONV_KERNEL, Initializer.glorotUniform(6, 12), 3, 2, 4)
            .trainable("conv.bias", CONV_BIAS, Initializer.zeros(), 4)
            .trainable("output.kernel", OUTPUT_KERNEL, Initializer.glorotUniform(64, 1), 64, 1)
            .trainable("output.bias", OUTPUT_BIAS, Initializer.zeros(), 1)
            .layer("series", "InputLayer", new int[] {16, 2}, 0, 0L)
            .layer("conv", "Conv1D", new int[] {16, 4}, 28, 448L)
            .layer("flat", "Flatten", new int[] {64}, 0, 0L)
            .layer("output", "Dense", new int[] {1}, 65, 65L)
            .cudaKernels(CausalConvCudaKernels::new)
            .build();

    private final WeightedLayer convLayer = weightedLayer("conv");

    private final DenseLayer outputLayer = denseLayer("output");

    private CausalConvModel(Device device, long seed) {
        super(LAYOUT, device, seed);
    }

    private CausalConvModel(Model.Twin twin) {
        super(twin);
    }

    /**
     * Creates the model on {@code device}, its trainable weights initialized from {@code seed}.
     */
    public static CausalConvModel create(Device device, long seed) {
        return new CausalConvModel(device, seed);
    }

    /**
     * This network over this model's parameters, for a predictor.
     */
    @Override
    protected CausalConvModel twin(Model.Twin twin) {
        return new CausalConvModel(twin);
    }

    /**
     * series: {@code @Input(shape = {16, 2})}, output shape (16, 2).
     */
    @Override
    public Layer series() {
        return layer("series");
    }

    /**
     * conv: {@code @Conv1D(filters = 4, kernel = 3, padding = CAUSAL, dilation = 2, activation = RELU)}, output shape (16, 4).
     */
    @Override
    public WeightedLayer conv() {
        return convLayer;
    }

    /**
     * flat: {@code @Flatten()}, output shape (64).
     */
    @Override
    public Layer flat() {
        return layer("flat");
    }

    /**
     * output: {@code @Dense(units = 1, activation = SIGMOID)}, output shape (1).
     */
    @Override
    public DenseLayer output() {
        return outputLayer;
    }

    /**
     * Predicts one sample.
     *
     * @param series one sample of {@code series}, shape (16, 2), its values in row-major order
     * @return the output {@code output}, shape (1), its values in row-major order
     */
    public float[] predict(float[] series) {
        return predictSample(series);
    }

    @Override
    protected void forward(int batch, boolean training) {
        Memory p = parameters();
        Memory a = activations();
        // series: @Input(shape = {16, 2}) -> (16, 2)
        // written by the runtime
        // conv: @Conv1D(filters = 4, kernel = 3, padding = CAUSAL, dilation = 2, activation = RELU), series (16, 2) -> (16, 4)
        // its ReLU in place: conv is written over conv.z, and relu' is read from it
        backend.conv2d(CONV_WINDOW, batch, a, batch * SERIES, p, CONV_KERNEL, a, batch * SCRATCH,
                a, batch * CONV_Z);
        backend.biasActivation(CONV_ACTIVATION, batch * 16, 4, a, batch * CONV_Z, p, CONV_BIAS,
                a, batch * CONV);
        // flat: @Flatten(), conv (16, 4) -> (64)
        // the same values as conv, in the same memory: nothing to compute
        // output: @Dense(units = 1, activation = SIGMOID), flat (64) -> (1)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 64, 1, a, batch * FLAT, p, OUTPUT_KERNEL,
                p, OUTPUT_BIAS, a, batch * OUTPUT_Z, a, batch * OUTPUT);
    }

    @Override
    protected void backward(int batch, boolean outputGradientFused) {
        Memory p = parameters();
        Memory g = gradients();
        Memory a = activations();
        Memory d = activationGradients();
        // output: @Dense(units = 1, activation = SIGMOID), flat (64) -> (1)
        if (!outputGradientFused) {
            backend.activationBackward(OUTPUT_ACTIVATION, batch, 1, a, batch * OUTPUT_Z,
                    a, batch * OUTPUT, d, batch * Gradients.OUTPUT, d, batch * Gradients.OUTPUT_Z);
        }
        backend.denseParameterGradients(batch, 64, 1, a, batch * FLAT,
                d, batch * Gradients.OUTPUT_Z, g, OUTPUT_KERNEL, g, OUTPUT_BIAS);
        backend.matmul(false, true, batch, 64, 1, d, batch * Gradients.OUTPUT_Z, p, OUTPUT_KERNEL,
                d, batch * Gradients.FLAT, false);
        gradientsFinal(OUTPUT_KERNEL);
        // flat: @Flatten(), conv (16, 4) -> (64)
        // the same values as conv, in the same memory: nothing to compute
        // conv: @Conv1D(filters = 4, kernel = 3, padding = CAUSAL, dilation = 2, activation = RELU), series (16, 2) -> (16, 4)
        // its ReLU in place: conv is written over conv.z, and relu' is read from it
        backend.activationBackward(CONV_ACTIVATION, batch * 16, 4, a, batch * CONV_Z,
                a, batch * CONV, d, batch * Gradients.CONV, d, batch * Gradients.CONV_Z);
        backend.conv2dBackward(CONV_WINDOW, batch, a, batch * SERIES, p, CONV_KERNEL,
                a, batch * SCRATCH, d, batch * Gradients.CONV_Z, g, CONV_KERNEL, a, batch * SCRATCH,
                null, 0);
        backend.columnSums(batch * 16, 4, d, batch * Gradients.CONV_Z, g, CONV_BIAS);
        gradientsFinal(CONV_KERNEL);
        // series: @Input(shape = {16, 2}) -> (16, 2)
        // an input: no gradient
    }

    @Override
    protected void infer(int batch) {
        Memory p = parameters();
        Memory a = activations();
        // series: @Input(shape = {16, 2}) -> (16, 2)
        // written by the runtime
        // conv: @Conv1D(filters = 4, kernel = 3, padding = CAUSAL, dilation = 2, activation = RELU), series (16, 2) -> (16, 4)
        // its ReLU in place: conv is written over conv.z, and relu' is read from it
        backend.conv2d(CONV_WINDOW, batch, a, batch * Inference.SERIES, p, CONV_KERNEL,
                a, batch * Inference.SCRATCH, a, batch * Inference.CONV_Z);
        backend.biasActivation(CONV_ACTIVATION, batch * 16, 4, a, batch * Inference.CONV_Z,
                p, CONV_BIAS, a, batch * Inference.CONV);
        // flat: @Flatten(), conv (16, 4) -> (64)
        // the same values as conv, in the same memory: nothing to compute
        // output: @Dense(units = 1, activation = SIGMOID), flat (64) -> (1)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 64, 1, a, batch * Inference.FLAT,
                p, OUTPUT_KERNEL, p, OUTPUT_BIAS, a, batch * Inference.OUTPUT_Z,
                a, batch * Inference.OUTPUT);
    }

    /**
     * The arena of {@code infer}, the forward pass of a prediction and an evaluation: 192 values per
     * sample, each tensor's offset per sample named as in the training arena. A tensor's memory is
     * reused once no later layer reads it; aliases share their tensor's offset.
     */
    private static final class Inference {
        static final int SERIES = 0;

        static final int CONV_Z = 32;

        static final int CONV = CONV_Z;

        static final int FLAT = CONV_Z;

        static final int OUTPUT_Z = 0;

        static final int OUTPUT = 1;

        static final int SCRATCH = 96;

        private Inference() {
        }
    }

    /**
     * The arena of the activations' gradients in {@code backward}: 66 values per sample, each tensor's
     * gradient's offset per sample named as the tensor. A gradient's memory is reused once no later
     * backward op reads it; aliases share their tensor's offset.
     */
    private static final class Gradients {
        static final int CONV_Z = 2;

        static final int CONV = CONV_Z;

        static final int FLAT = CONV_Z;

        static final int OUTPUT_Z = 1;

        static final int OUTPUT = 0;

        private Gradients() {
        }
    }
}
