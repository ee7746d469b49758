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
import dev.annonet.runtime.backend.PoolingKind;
import javax.annotation.processing.Generated;

/**
 * The model of {@link SmallCnn}, written by the annonet processor: its memory layout and its
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
public final class SmallCnnModel extends Model implements SmallCnn {
    /**
     * image: 128 values per sample.
     */
    private static final int IMAGE = 0;

    /**
     * conv.z: 64 values per sample.
     */
    private static final int CONV_Z = 128;

    /**
     * conv: the values of conv.z, in the same memory.
     */
    private static final int CONV = CONV_Z;

    /**
     * norm.statistics: 8 values per sample.
     */
    private static final int NORM_STATISTICS = 192;

    /**
     * norm: 64 values per sample.
     */
    private static final int NORM = 200;

    /**
     * relu: the values of norm, in the same memory.
     */
    private static final int RELU = NORM;

    /**
     * pool: 16 values per sample.
     */
    private static final int POOL = 264;

    /**
     * flat: the values of pool, in the same memory.
     */
    private static final int FLAT = POOL;

    /**
     * output.z: 3 values per sample.
     */
    private static final int OUTPUT_Z = 280;

    /**
     * output: 3 values per sample.
     */
    private static final int OUTPUT = 283;

    /**
     * scratch: 288 values per sample.
     * The largest scratch of a layer: every layer whose scratch holds nothing between calls
     * (a convolution's im2col columns) uses it inside its call.
     */
    private static final int SCRATCH = 286;

    /**
     * conv.kernel (3, 3, 2, 4), trainable.
     */
    private static final int CONV_KERNEL = 0;

    /**
     * conv.bias (4), trainable.
     */
    private static final int CONV_BIAS = 72;

    /**
     * norm.gamma (4), trainable.
     */
    private static final int NORM_GAMMA = 76;

    /**
     * norm.beta (4), trainable.
     */
    private static final int NORM_BETA = 80;

    /**
     * output.kernel (16, 3), trainable.
     */
    private static final int OUTPUT_KERNEL = 84;

    /**
     * output.bias (3), trainable.
     */
    private static final int OUTPUT_BIAS = 132;

    /**
     * norm.moving_mean (4), updated by training, not trainable.
     */
    private static final int NORM_MOVING_MEAN = 135;

    /**
     * norm.moving_variance (4), updated by training, not trainable.
     */
    private static final int NORM_MOVING_VARIANCE = 139;

    private static final ActivationFunction CONV_ACTIVATION = ActivationFunction.of(Activation.Kind.LINEAR);

    private static final ActivationFunction RELU_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);

    private static final ActivationFunction OUTPUT_ACTIVATION = ActivationFunction.of(Activation.Kind.SOFTMAX);

    private static final Window2D CONV_WINDOW = Window2D.input(8, 8, 2).window(3, 3).strides(2, 2)
            .output(4, 4, 4);

    private static final Window2D POOL_WINDOW = Window2D.input(4, 4, 4).window(2, 2).strides(2, 2)
            .output(2, 2, 4);

    /**
     * Every parameter (Keras's "Total params"), as {@link #parameterCount()} counts them.
     */
    public static final long PARAMETER_COUNT = 143L;

    /**
     * The parameters the optimizer changes, as {@link #trainableParameterCount()} counts them.
     */
    public static final long TRAINABLE_PARAMETER_COUNT = 135L;

    /**
     * Fixed parameters and moving statistics, as {@link #nonTrainableParameterCount()} counts them.
     */
    public static final long NON_TRAINABLE_PARAMETER_COUNT = 8L;

    /**
     * Values allocated per sample of a training batch: the activations, the arena of their gradients,
     * the targets and the loss's weights.
     */
    public static final long TRAINING_VALUES_PER_SAMPLE = 728L;

    /**
     * The most values allocated per sample of a prediction batch: the activations with the whole
     * convolution scratch (a backend that convolves without im2col allocates less of it).
     */
    public static final long PREDICTION_VALUES_PER_SAMPLE = 480L;

    /**
     * Values allocated when the model is created: the parameters and the trainable ones' gradients
     * (compile adds the optimizer's state).
     */
    public static final long MODEL_VALUES = 278L;

    private static final NetworkLayout LAYOUT = NetworkLayout.builder("SmallCnn")
            .input("image", IMAGE, 8, 8, 2)
            .output("output", OUTPUT, Activation.Kind.SOFTMAX, OUTPUT_Z, 3)
            .activationSize(574)
            .inference(480, new int[] {Inference.IMAGE}, new int[] {Inference.OUTPUT},
                    new int[] {Inference.OUTPUT_Z})
            .gradients(150, new int[] {Gradients.OUTPUT}, new int[] {Gradients.OUTPUT_Z})
            .convolutionScratch(Inference.SCRATCH, CONV_WINDOW)
            .trainable("conv.kernel", CONV_KERNEL, Initializer.glorotUniform(18, 36), 3, 3, 2, 4)
            .trainable("conv.bias", CONV_BIAS, Initializer.zeros(), 4)
            .trainable("norm.gamma", NORM_GAMMA, Initializer.ones(), 4)
            .trainable("norm.beta", NORM_BETA, Initializer.zeros(), 4)
            .trainable("output.kernel", OUTPUT_KERNEL, Initializer.glorotUniform(16, 3), 16, 3)
            .trainable("output.bias", OUTPUT_BIAS, Initializer.zeros(), 3)
            .state("norm.moving_mean", NORM_MOVING_MEAN, Initializer.zeros(), 4)
            .state("norm.moving_variance", NORM_MOVING_VARIANCE, Initializer.ones(), 4)
            .layer("image", "InputLayer", new int[] {8, 8, 2}, 0, 0L)
            .layer("conv", "Conv2D", new int[] {4, 4, 4}, 76, 1216L)
            .layer("norm", "BatchNormalization", new int[] {4, 4, 4}, 16, 16L)
            .layer("relu", "Activation", new int[] {4, 4, 4}, 0, 0L)
            .layer("pool", "MaxPooling2D", new int[] {2, 2, 4}, 0, 0L)
            .layer("flat", "Flatten", new int[] {16}, 0, 0L)
            .layer("output", "Dense", new int[] {3}, 51, 51L)
            .cudaKernels(SmallCnnCudaKernels::new)
            .build();

    private final WeightedLayer convLayer = weightedLayer("conv");

    private final WeightedLayer normLayer = weightedLayer("norm");

    private final DenseLayer outputLayer = denseLayer("output");

    private SmallCnnModel(Device device, long seed) {
        super(LAYOUT, device, seed);
    }

    private SmallCnnModel(Model.Twin twin) {
        super(twin);
    }

    /**
     * Creates the model on {@code device}, its trainable weights initialized from {@code seed}.
     */
    public static SmallCnnModel create(Device device, long seed) {
        return new SmallCnnModel(device, seed);
    }

    /**
     * This network over this model's parameters, for a predictor.
     */
    @Override
    protected SmallCnnModel twin(Model.Twin twin) {
        return new SmallCnnModel(twin);
    }

    /**
     * image: {@code @Input(shape = {8, 8, 2})}, output shape (8, 8, 2).
     */
    @Override
    public Layer image() {
        return layer("image");
    }

    /**
     * conv: {@code @Conv2D(filters = 4, kernel = 3, strides = 2, padding = SAME)}, output shape (4, 4, 4).
     */
    @Override
    public WeightedLayer conv() {
        return convLayer;
    }

    /**
     * norm: {@code @BatchNormalization()}, output shape (4, 4, 4).
     */
    @Override
    public WeightedLayer norm() {
        return normLayer;
    }

    /**
     * relu: {@code @Activation(RELU)}, output shape (4, 4, 4).
     */
    @Override
    public Layer relu() {
        return layer("relu");
    }

    /**
     * pool: {@code @MaxPooling2D()}, output shape (2, 2, 4).
     */
    @Override
    public Layer pool() {
        return layer("pool");
    }

    /**
     * flat: {@code @Flatten()}, output shape (16).
     */
    @Override
    public Layer flat() {
        return layer("flat");
    }

    /**
     * output: {@code @Dense(units = 3, activation = SOFTMAX)}, output shape (3).
     */
    @Override
    public DenseLayer output() {
        return outputLayer;
    }

    /**
     * Predicts one sample.
     *
     * @param image one sample of {@code image}, shape (8, 8, 2), its values in row-major order
     * @return the output {@code output}, shape (3), its values in row-major order
     */
    public float[] predict(float[] image) {
        return predictSample(image);
    }

    @Override
    protected void forward(int batch, boolean training) {
        Memory p = parameters();
        Memory a = activations();
        // image: @Input(shape = {8, 8, 2}) -> (8, 8, 2)
        // written by the runtime
        // conv: @Conv2D(filters = 4, kernel = 3, strides = 2, padding = SAME), image (8, 8, 2) -> (4, 4, 4)
        backend.conv2d(CONV_WINDOW, batch, a, batch * IMAGE, p, CONV_KERNEL, a, batch * SCRATCH,
                a, batch * CONV_Z);
        backend.biasActivation(CONV_ACTIVATION, batch * 16, 4, a, batch * CONV_Z, p, CONV_BIAS,
                a, batch * CONV);
        // norm: @BatchNormalization(), conv (4, 4, 4) -> (4, 4, 4)
        if (training) {
            backend.batchNorm(true, batch * 16, 4, 0.99, 0.001, a, batch * CONV, p, NORM_GAMMA,
                    p, NORM_BETA, p, NORM_MOVING_MEAN, p, NORM_MOVING_VARIANCE,
                    a, batch * NORM_STATISTICS, a, batch * NORM);
        } else {
            backend.batchNorm(false, batch * 16, 4, 0.99, 0.001, a, batch * CONV, p, NORM_GAMMA,
                    p, NORM_BETA, p, NORM_MOVING_MEAN, p, NORM_MOVING_VARIANCE, null, 0,
                    a, batch * NORM);
        }
        // relu: @Activation(RELU), norm (4, 4, 4) -> (4, 4, 4)
        // its ReLU in place: relu is written over norm, and relu' is read from it
        backend.biasActivation(RELU_ACTIVATION, batch * 16, 4, a, batch * NORM, null, 0,
                a, batch * RELU);
        // pool: @MaxPooling2D(), relu (4, 4, 4) -> (2, 2, 4)
        backend.pool2d(PoolingKind.MAX, POOL_WINDOW, batch, a, batch * RELU, a, batch * POOL);
        // flat: @Flatten(), pool (2, 2, 4) -> (16)
        // the same values as pool, in the same memory: nothing to compute
        // output: @Dense(units = 3, activation = SOFTMAX), flat (16) -> (3)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 16, 3, a, batch * FLAT, p, OUTPUT_KERNEL,
                p, OUTPUT_BIAS, a, batch * OUTPUT_Z, a, batch * OUTPUT);
    }

    @Override
    protected void backward(int batch, boolean outputGradientFused) {
        Memory p = parameters();
        Memory g = gradients();
        Memory a = activations();
        Memory d = activationGradients();
        // output: @Dense(units = 3, activation = SOFTMAX), flat (16) -> (3)
        if (!outputGradientFused) {
            backend.activationBackward(OUTPUT_ACTIVATION, batch, 3, a, batch * OUTPUT_Z,
                    a, batch * OUTPUT, d, batch * Gradients.OUTPUT, d, batch * Gradients.OUTPUT_Z);
        }
        backend.denseParameterGradients(batch, 16, 3, a, batch * FLAT,
                d, batch * Gradients.OUTPUT_Z, g, OUTPUT_KERNEL, g, OUTPUT_BIAS);
        backend.matmul(false, true, batch, 16, 3, d, batch * Gradients.OUTPUT_Z, p, OUTPUT_KERNEL,
                d, batch * Gradients.FLAT, false);
        gradientsFinal(OUTPUT_KERNEL);
        // flat: @Flatten(), pool (2, 2, 4) -> (16)
        // the same values as pool, in the same memory: nothing to compute
        // pool: @MaxPooling2D(), relu (4, 4, 4) -> (2, 2, 4)
        backend.pool2dBackward(PoolingKind.MAX, POOL_WINDOW, batch, a, batch * RELU,
                d, batch * Gradients.POOL, d, batch * Gradients.RELU);
        // relu: @Activation(RELU), norm (4, 4, 4) -> (4, 4, 4)
        // its ReLU in place: relu is written over norm, and relu' is read from it
        backend.activationBackward(RELU_ACTIVATION, batch * 16, 4, a, batch * NORM, a, batch * RELU,
                d, batch * Gradients.RELU, d, batch * Gradients.NORM);
        // norm: @BatchNormalization(), conv (4, 4, 4) -> (4, 4, 4)
        backend.batchNormBackward(batch * 16, 4, a, batch * CONV, p, NORM_GAMMA,
                a, batch * NORM_STATISTICS, d, batch * Gradients.NORM, g, NORM_GAMMA, g, NORM_BETA,
                d, batch * Gradients.CONV);
        gradientsFinal(NORM_GAMMA);
        // conv: @Conv2D(filters = 4, kernel = 3, strides = 2, padding = SAME), image (8, 8, 2) -> (4, 4, 4)
        backend.conv2dBackward(CONV_WINDOW, batch, a, batch * IMAGE, p, CONV_KERNEL,
                a, batch * SCRATCH, d, batch * Gradients.CONV_Z, g, CONV_KERNEL, a, batch * SCRATCH,
                null, 0);
        backend.columnSums(batch * 16, 4, d, batch * Gradients.CONV_Z, g, CONV_BIAS);
        gradientsFinal(CONV_KERNEL);
        // image: @Input(shape = {8, 8, 2}) -> (8, 8, 2)
        // an input: no gradient
    }

    @Override
    protected void infer(int batch) {
        Memory p = parameters();
        Memory a = activations();
        // image: @Input(shape = {8, 8, 2}) -> (8, 8, 2)
        // written by the runtime
        // conv: @Conv2D(filters = 4, kernel = 3, strides = 2, padding = SAME), image (8, 8, 2) -> (4, 4, 4)
        backend.conv2d(CONV_WINDOW, batch, a, batch * Inference.IMAGE, p, CONV_KERNEL,
                a, batch * Inference.SCRATCH, a, batch * Inference.CONV_Z);
        backend.biasActivation(CONV_ACTIVATION, batch * 16, 4, a, batch * Inference.CONV_Z,
                p, CONV_BIAS, a, batch * Inference.CONV);
        // norm: @BatchNormalization(), conv (4, 4, 4) -> (4, 4, 4)
        backend.batchNorm(false, batch * 16, 4, 0.99, 0.001, a, batch * Inference.CONV,
                p, NORM_GAMMA, p, NORM_BETA, p, NORM_MOVING_MEAN, p, NORM_MOVING_VARIANCE, null, 0,
                a, batch * Inference.NORM);
        // relu: @Activation(RELU), norm (4, 4, 4) -> (4, 4, 4)
        // its ReLU in place: relu is written over norm, and relu' is read from it
        backend.biasActivation(RELU_ACTIVATION, batch * 16, 4, a, batch * Inference.NORM, null, 0,
                a, batch * Inference.RELU);
        // pool: @MaxPooling2D(), relu (4, 4, 4) -> (2, 2, 4)
        backend.pool2d(PoolingKind.MAX, POOL_WINDOW, batch, a, batch * Inference.RELU,
                a, batch * Inference.POOL);
        // flat: @Flatten(), pool (2, 2, 4) -> (16)
        // the same values as pool, in the same memory: nothing to compute
        // output: @Dense(units = 3, activation = SOFTMAX), flat (16) -> (3)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 16, 3, a, batch * Inference.FLAT,
                p, OUTPUT_KERNEL, p, OUTPUT_BIAS, a, batch * Inference.OUTPUT_Z,
                a, batch * Inference.OUTPUT);
    }

    /**
     * The arena of {@code infer}, the forward pass of a prediction and an evaluation: 480 values per
     * sample, each tensor's offset per sample named as in the training arena. A tensor's memory is
     * reused once no later layer reads it; aliases share their tensor's offset.
     */
    private static final class Inference {
        static final int IMAGE = 0;

        static final int CONV_Z = 128;

        static final int CONV = CONV_Z;

        static final int NORM = 0;

        static final int RELU = NORM;

        static final int POOL = 64;

        static final int FLAT = POOL;

        static final int OUTPUT_Z = 0;

        static final int OUTPUT = 3;

        static final int SCRATCH = 192;

        private Inference() {
        }
    }

    /**
     * The arena of the activations' gradients in {@code backward}: 150 values per sample, each tensor's
     * gradient's offset per sample named as the tensor. A gradient's memory is reused once no later
     * backward op reads it; aliases share their tensor's offset.
     */
    private static final class Gradients {
        static final int CONV_Z = 86;

        static final int CONV = CONV_Z;

        static final int NORM = 22;

        static final int RELU = NORM;

        static final int POOL = 6;

        static final int FLAT = POOL;

        static final int OUTPUT_Z = 3;

        static final int OUTPUT = 0;

        private Gradients() {
        }
    }
}
