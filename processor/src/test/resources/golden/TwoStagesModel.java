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
 * The model of {@link TwoStages}, written by the annonet processor: its memory layout and its
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
public final class TwoStagesModel extends Model implements TwoStages {
    /**
     * image: 128 values per sample.
     */
    private static final int IMAGE = 0;

    /**
     * conv1_1_conv.z: 256 values per sample.
     */
    private static final int CONV1_1_CONV_Z = 128;

    /**
     * conv1_1_conv: the values of conv1_1_conv.z, in the same memory.
     */
    private static final int CONV1_1_CONV = CONV1_1_CONV_Z;

    /**
     * conv1_1_bn.statistics: 8 values per sample.
     */
    private static final int CONV1_1_BN_STATISTICS = 384;

    /**
     * conv1_1_bn: 256 values per sample.
     */
    private static final int CONV1_1_BN = 392;

    /**
     * conv1_1_relu: the values of conv1_1_bn, in the same memory.
     */
    private static final int CONV1_1_RELU = CONV1_1_BN;

    /**
     * conv2_1_conv.z: 96 values per sample.
     */
    private static final int CONV2_1_CONV_Z = 648;

    /**
     * conv2_1_conv: the values of conv2_1_conv.z, in the same memory.
     */
    private static final int CONV2_1_CONV = CONV2_1_CONV_Z;

    /**
     * conv2_1_bn.statistics: 12 values per sample.
     */
    private static final int CONV2_1_BN_STATISTICS = 744;

    /**
     * conv2_1_bn: 96 values per sample.
     */
    private static final int CONV2_1_BN = 756;

    /**
     * conv2_1_relu: the values of conv2_1_bn, in the same memory.
     */
    private static final int CONV2_1_RELU = CONV2_1_BN;

    /**
     * pool: 6 values per sample.
     */
    private static final int POOL = 852;

    /**
     * output.z: 3 values per sample.
     */
    private static final int OUTPUT_Z = 858;

    /**
     * output: 3 values per sample.
     */
    private static final int OUTPUT = 861;

    /**
     * scratch: 1152 values per sample.
     * The largest scratch of a layer: every layer whose scratch holds nothing between calls
     * (a convolution's im2col columns) uses it inside its call.
     */
    private static final int SCRATCH = 864;

    /**
     * conv1_1_conv.kernel (3, 3, 2, 4), trainable.
     */
    private static final int CONV1_1_CONV_KERNEL = 0;

    /**
     * conv1_1_conv.bias (4), trainable.
     */
    private static final int CONV1_1_CONV_BIAS = 72;

    /**
     * conv1_1_bn.gamma (4), trainable.
     */
    private static final int CONV1_1_BN_GAMMA = 76;

    /**
     * conv1_1_bn.beta (4), trainable.
     */
    private static final int CONV1_1_BN_BETA = 80;

    /**
     * conv2_1_conv.kernel (3, 3, 4, 6), trainable.
     */
    private static final int CONV2_1_CONV_KERNEL = 84;

    /**
     * conv2_1_conv.bias (6), trainable.
     */
    private static final int CONV2_1_CONV_BIAS = 300;

    /**
     * conv2_1_bn.gamma (6), trainable.
     */
    private static final int CONV2_1_BN_GAMMA = 306;

    /**
     * conv2_1_bn.beta (6), trainable.
     */
    private static final int CONV2_1_BN_BETA = 312;

    /**
     * output.kernel (6, 3), trainable.
     */
    private static final int OUTPUT_KERNEL = 318;

    /**
     * output.bias (3), trainable.
     */
    private static final int OUTPUT_BIAS = 336;

    /**
     * conv1_1_bn.moving_mean (4), updated by training, not trainable.
     */
    private static final int CONV1_1_BN_MOVING_MEAN = 339;

    /**
     * conv1_1_bn.moving_variance (4), updated by training, not trainable.
     */
    private static final int CONV1_1_BN_MOVING_VARIANCE = 343;

    /**
     * conv2_1_bn.moving_mean (6), updated by training, not trainable.
     */
    private static final int CONV2_1_BN_MOVING_MEAN = 347;

    /**
     * conv2_1_bn.moving_variance (6), updated by training, not trainable.
     */
    private static final int CONV2_1_BN_MOVING_VARIANCE = 353;

    private static final ActivationFunction CONV1_1_CONV_ACTIVATION = ActivationFunction.of(Activation.Kind.LINEAR);

    private static final ActivationFunction CONV1_1_RELU_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);

    private static final ActivationFunction CONV2_1_CONV_ACTIVATION = ActivationFunction.of(Activation.Kind.LINEAR);

    private static final ActivationFunction CONV2_1_RELU_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);

    private static final ActivationFunction OUTPUT_ACTIVATION = ActivationFunction.of(Activation.Kind.SOFTMAX);

    private static final Window2D CONV1_1_CONV_WINDOW = Window2D.input(8, 8, 2).window(3, 3).padding(1, 1)
            .output(8, 8, 4);

    private static final Window2D CONV2_1_CONV_WINDOW = Window2D.input(8, 8, 4).window(3, 3).strides(2, 2)
            .output(4, 4, 6);

    private static final Window2D POOL_WINDOW = Window2D.input(4, 4, 6).window(4, 4)
            .output(1, 1, 6);

    /**
     * Every parameter (Keras's "Total params"), as {@link #parameterCount()} counts them.
     */
    public static final long PARAMETER_COUNT = 359L;

    /**
     * The parameters the optimizer changes, as {@link #trainableParameterCount()} counts them.
     */
    public static final long TRAINABLE_PARAMETER_COUNT = 339L;

    /**
     * Fixed parameters and moving statistics, as {@link #nonTrainableParameterCount()} counts them.
     */
    public static final long NON_TRAINABLE_PARAMETER_COUNT = 20L;

    /**
     * Values allocated per sample of a training batch: the activations, the arena of their gradients,
     * the targets and the loss's weights.
     */
    public static final long TRAINING_VALUES_PER_SAMPLE = 2736L;

    /**
     * The most values allocated per sample of a prediction batch: the activations with the whole
     * convolution scratch (a backend that convolves without im2col allocates less of it).
     */
    public static final long PREDICTION_VALUES_PER_SAMPLE = 1792L;

    /**
     * Values allocated when the model is created: the parameters and the trainable ones' gradients
     * (compile adds the optimizer's state).
     */
    public static final long MODEL_VALUES = 698L;

    private static final NetworkLayout LAYOUT = NetworkLayout.builder("TwoStages")
            .input("image", IMAGE, 8, 8, 2)
            .output("output", OUTPUT, Activation.Kind.SOFTMAX, OUTPUT_Z, 3)
            .activationSize(2016)
            .inference(1792, new int[] {Inference.IMAGE}, new int[] {Inference.OUTPUT},
                    new int[] {Inference.OUTPUT_Z})
            .gradients(716, new int[] {Gradients.OUTPUT}, new int[] {Gradients.OUTPUT_Z})
            .convolutionScratch(Inference.SCRATCH, CONV1_1_CONV_WINDOW, CONV2_1_CONV_WINDOW)
            .trainable("conv1_1_conv.kernel", CONV1_1_CONV_KERNEL, Initializer.glorotUniform(18, 36), 3, 3, 2, 4)
            .trainable("conv1_1_conv.bias", CONV1_1_CONV_BIAS, Initializer.zeros(), 4)
            .trainable("conv1_1_bn.gamma", CONV1_1_BN_GAMMA, Initializer.ones(), 4)
            .trainable("conv1_1_bn.beta", CONV1_1_BN_BETA, Initializer.zeros(), 4)
            .trainable("conv2_1_conv.kernel", CONV2_1_CONV_KERNEL, Initializer.glorotUniform(36, 54), 3, 3, 4, 6)
            .trainable("conv2_1_conv.bias", CONV2_1_CONV_BIAS, Initializer.zeros(), 6)
            .trainable("conv2_1_bn.gamma", CONV2_1_BN_GAMMA, Initializer.ones(), 6)
            .trainable("conv2_1_bn.beta", CONV2_1_BN_BETA, Initializer.zeros(), 6)
            .trainable("output.kernel", OUTPUT_KERNEL, Initializer.glorotUniform(6, 3), 6, 3)
            .trainable("output.bias", OUTPUT_BIAS, Initializer.zeros(), 3)
            .state("conv1_1_bn.moving_mean", CONV1_1_BN_MOVING_MEAN, Initializer.zeros(), 4)
            .state("conv1_1_bn.moving_variance", CONV1_1_BN_MOVING_VARIANCE, Initializer.ones(), 4)
            .state("conv2_1_bn.moving_mean", CONV2_1_BN_MOVING_MEAN, Initializer.zeros(), 6)
            .state("conv2_1_bn.moving_variance", CONV2_1_BN_MOVING_VARIANCE, Initializer.ones(), 6)
            .layer("image", "InputLayer", new int[] {8, 8, 2}, 0, 0L)
            .layer("conv1_1_conv", "Conv2D", new int[] {8, 8, 4}, 76, 4864L)
            .layer("conv1_1_bn", "BatchNormalization", new int[] {8, 8, 4}, 16, 16L)
            .layer("conv1_1_relu", "Activation", new int[] {8, 8, 4}, 0, 0L)
            .layer("conv2_1_conv", "Conv2D", new int[] {4, 4, 6}, 222, 3552L)
            .layer("conv2_1_bn", "BatchNormalization", new int[] {4, 4, 6}, 24, 24L)
            .layer("conv2_1_relu", "Activation", new int[] {4, 4, 6}, 0, 0L)
            .layer("pool", "GlobalAveragePooling2D", new int[] {6}, 0, 0L)
            .layer("output", "Dense", new int[] {3}, 21, 21L)
            .cudaKernels(TwoStagesCudaKernels::new)
            .build();

    private final WeightedLayer conv1_1_convLayer = weightedLayer("conv1_1_conv");

    private final WeightedLayer conv1_1_bnLayer = weightedLayer("conv1_1_bn");

    private final WeightedLayer conv2_1_convLayer = weightedLayer("conv2_1_conv");

    private final WeightedLayer conv2_1_bnLayer = weightedLayer("conv2_1_bn");

    private final DenseLayer outputLayer = denseLayer("output");

    private TwoStagesModel(Device device, long seed) {
        super(LAYOUT, device, seed);
    }

    private TwoStagesModel(Model.Twin twin) {
        super(twin);
    }

    /**
     * Creates the model on {@code device}, its trainable weights initialized from {@code seed}.
     */
    public static TwoStagesModel create(Device device, long seed) {
        return new TwoStagesModel(device, seed);
    }

    /**
     * This network over this model's parameters, for a predictor.
     */
    @Override
    protected TwoStagesModel twin(Model.Twin twin) {
        return new TwoStagesModel(twin);
    }

    /**
     * image: {@code @Input(shape = {8, 8, 2})}, output shape (8, 8, 2).
     */
    @Override
    public Layer image() {
        return layer("image");
    }

    /**
     * pool: {@code @GlobalAveragePooling2D()}, output shape (6).
     */
    @Override
    public Layer pool() {
        return layer("pool");
    }

    /**
     * output: {@code @Dense(units = 3, activation = SOFTMAX)}, output shape (3).
     */
    @Override
    public DenseLayer output() {
        return outputLayer;
    }

    /**
     * conv1: block {@link ConvNormRelu}, its layers named {@code conv1_<member>}.
     */
    @Override
    public ConvNormRelu conv1() {
        return new ConvNormRelu() {
            /**
             * conv1_1_conv: {@code @Conv2D(filters = 4, kernel = 3, padding = SAME)}, output shape (8, 8, 4).
             */
            @Override
            public WeightedLayer _1_conv() {
                return conv1_1_convLayer;
            }

            /**
             * conv1_1_bn: {@code @BatchNormalization()}, output shape (8, 8, 4).
             */
            @Override
            public WeightedLayer _1_bn() {
                return conv1_1_bnLayer;
            }

            /**
             * conv1_1_relu: {@code @Activation(RELU)}, output shape (8, 8, 4).
             */
            @Override
            public Layer _1_relu() {
                return layer("conv1_1_relu");
            }
        };
    }

    /**
     * conv2: block {@link ConvNormRelu}, its layers named {@code conv2_<member>}.
     */
    @Override
    public ConvNormRelu conv2() {
        return new ConvNormRelu() {
            /**
             * conv2_1_conv: {@code @Conv2D(filters = 6, kernel = 3, strides = 2, padding = SAME)}, output shape (4, 4, 6).
             */
            @Override
            public WeightedLayer _1_conv() {
                return conv2_1_convLayer;
            }

            /**
             * conv2_1_bn: {@code @BatchNormalization()}, output shape (4, 4, 6).
             */
            @Override
            public WeightedLayer _1_bn() {
                return conv2_1_bnLayer;
            }

            /**
             * conv2_1_relu: {@code @Activation(RELU)}, output shape (4, 4, 6).
             */
            @Override
            public Layer _1_relu() {
                return layer("conv2_1_relu");
            }
        };
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
        // conv1_1_conv: @Conv2D(filters = 4, kernel = 3, padding = SAME), image (8, 8, 2) -> (8, 8, 4)
        backend.conv2d(CONV1_1_CONV_WINDOW, batch, a, batch * IMAGE, p, CONV1_1_CONV_KERNEL,
                a, batch * SCRATCH, a, batch * CONV1_1_CONV_Z);
        backend.biasActivation(CONV1_1_CONV_ACTIVATION, batch * 64, 4, a, batch * CONV1_1_CONV_Z,
                p, CONV1_1_CONV_BIAS, a, batch * CONV1_1_CONV);
        // conv1_1_bn: @BatchNormalization(), conv1_1_conv (8, 8, 4) -> (8, 8, 4)
        if (training) {
            backend.batchNorm(true, batch * 64, 4, 0.99, 0.001, a, batch * CONV1_1_CONV,
                    p, CONV1_1_BN_GAMMA, p, CONV1_1_BN_BETA, p, CONV1_1_BN_MOVING_MEAN,
                    p, CONV1_1_BN_MOVING_VARIANCE, a, batch * CONV1_1_BN_STATISTICS,
                    a, batch * CONV1_1_BN);
        } else {
            backend.batchNorm(false, batch * 64, 4, 0.99, 0.001, a, batch * CONV1_1_CONV,
                    p, CONV1_1_BN_GAMMA, p, CONV1_1_BN_BETA, p, CONV1_1_BN_MOVING_MEAN,
                    p, CONV1_1_BN_MOVING_VARIANCE, null, 0, a, batch * CONV1_1_BN);
        }
        // conv1_1_relu: @Activation(RELU), conv1_1_bn (8, 8, 4) -> (8, 8, 4)
        // its ReLU in place: conv1_1_relu is written over conv1_1_bn, and relu' is read from it
        backend.biasActivation(CONV1_1_RELU_ACTIVATION, batch * 64, 4, a, batch * CONV1_1_BN,
                null, 0, a, batch * CONV1_1_RELU);
        // conv2_1_conv: @Conv2D(filters = 6, kernel = 3, strides = 2, padding = SAME), conv1_1_relu (8, 8, 4) -> (4, 4, 6)
        backend.conv2d(CONV2_1_CONV_WINDOW, batch, a, batch * CONV1_1_RELU, p, CONV2_1_CONV_KERNEL,
                a, batch * SCRATCH, a, batch * CONV2_1_CONV_Z);
        backend.biasActivation(CONV2_1_CONV_ACTIVATION, batch * 16, 6, a, batch * CONV2_1_CONV_Z,
                p, CONV2_1_CONV_BIAS, a, batch * CONV2_1_CONV);
        // conv2_1_bn: @BatchNormalization(), conv2_1_conv (4, 4, 6) -> (4, 4, 6)
        if (training) {
            backend.batchNorm(true, batch * 16, 6, 0.99, 0.001, a, batch * CONV2_1_CONV,
                    p, CONV2_1_BN_GAMMA, p, CONV2_1_BN_BETA, p, CONV2_1_BN_MOVING_MEAN,
                    p, CONV2_1_BN_MOVING_VARIANCE, a, batch * CONV2_1_BN_STATISTICS,
                    a, batch * CONV2_1_BN);
        } else {
            backend.batchNorm(false, batch * 16, 6, 0.99, 0.001, a, batch * CONV2_1_CONV,
                    p, CONV2_1_BN_GAMMA, p, CONV2_1_BN_BETA, p, CONV2_1_BN_MOVING_MEAN,
                    p, CONV2_1_BN_MOVING_VARIANCE, null, 0, a, batch * CONV2_1_BN);
        }
        // conv2_1_relu: @Activation(RELU), conv2_1_bn (4, 4, 6) -> (4, 4, 6)
        // its ReLU in place: conv2_1_relu is written over conv2_1_bn, and relu' is read from it
        backend.biasActivation(CONV2_1_RELU_ACTIVATION, batch * 16, 6, a, batch * CONV2_1_BN,
                null, 0, a, batch * CONV2_1_RELU);
        // pool: @GlobalAveragePooling2D(), conv2_1_relu (4, 4, 6) -> (6)
        backend.pool2d(PoolingKind.AVERAGE, POOL_WINDOW, batch, a, batch * CONV2_1_RELU,
                a, batch * POOL);
        // output: @Dense(units = 3, activation = SOFTMAX), pool (6) -> (3)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 6, 3, a, batch * POOL, p, OUTPUT_KERNEL,
                p, OUTPUT_BIAS, a, batch * OUTPUT_Z, a, batch * OUTPUT);
    }

    @Override
    protected void backward(int batch, boolean outputGradientFused) {
        Memory p = parameters();
        Memory g = gradients();
        Memory a = activations();
        Memory d = activationGradients();
        // output: @Dense(units = 3, activation = SOFTMAX), pool (6) -> (3)
        if (!outputGradientFused) {
            backend.activationBackward(OUTPUT_ACTIVATION, batch, 3, a, batch * OUTPUT_Z,
                    a, batch * OUTPUT, d, batch * Gradients.OUTPUT, d, batch * Gradients.OUTPUT_Z);
        }
        backend.denseParameterGradients(batch, 6, 3, a, batch * POOL, d, batch * Gradients.OUTPUT_Z,
                g, OUTPUT_KERNEL, g, OUTPUT_BIAS);
        backend.matmul(false, true, batch, 6, 3, d, batch * Gradients.OUTPUT_Z, p, OUTPUT_KERNEL,
                d, batch * Gradients.POOL, false);
        gradientsFinal(OUTPUT_KERNEL);
        // pool: @GlobalAveragePooling2D(), conv2_1_relu (4, 4, 6) -> (6)
        backend.pool2dBackward(PoolingKind.AVERAGE, POOL_WINDOW, batch, a, batch * CONV2_1_RELU,
                d, batch * Gradients.POOL, d, batch * Gradients.CONV2_1_RELU);
        // conv2_1_relu: @Activation(RELU), conv2_1_bn (4, 4, 6) -> (4, 4, 6)
        // its ReLU in place: conv2_1_relu is written over conv2_1_bn, and relu' is read from it
        backend.activationBackward(CONV2_1_RELU_ACTIVATION, batch * 16, 6, a, batch * CONV2_1_BN,
                a, batch * CONV2_1_RELU, d, batch * Gradients.CONV2_1_RELU,
                d, batch * Gradients.CONV2_1_BN);
        // conv2_1_bn: @BatchNormalization(), conv2_1_conv (4, 4, 6) -> (4, 4, 6)
        backend.batchNormBackward(batch * 16, 6, a, batch * CONV2_1_CONV, p, CONV2_1_BN_GAMMA,
                a, batch * CONV2_1_BN_STATISTICS, d, batch * Gradients.CONV2_1_BN,
                g, CONV2_1_BN_GAMMA, g, CONV2_1_BN_BETA, d, batch * Gradients.CONV2_1_CONV);
        gradientsFinal(CONV2_1_BN_GAMMA);
        // conv2_1_conv: @Conv2D(filters = 6, kernel = 3, strides = 2, padding = SAME), conv1_1_relu (8, 8, 4) -> (4, 4, 6)
        backend.conv2dBackward(CONV2_1_CONV_WINDOW, batch, a, batch * CONV1_1_RELU,
                p, CONV2_1_CONV_KERNEL, a, batch * SCRATCH, d, batch * Gradients.CONV2_1_CONV_Z,
                g, CONV2_1_CONV_KERNEL, a, batch * SCRATCH, d, batch * Gradients.CONV1_1_RELU);
        backend.columnSums(batch * 16, 6, d, batch * Gradients.CONV2_1_CONV_Z,
                g, CONV2_1_CONV_BIAS);
        gradientsFinal(CONV2_1_CONV_KERNEL);
        // conv1_1_relu: @Activation(RELU), conv1_1_bn (8, 8, 4) -> (8, 8, 4)
        // its ReLU in place: conv1_1_relu is written over conv1_1_bn, and relu' is read from it
        backend.activationBackward(CONV1_1_RELU_ACTIVATION, batch * 64, 4, a, batch * CONV1_1_BN,
                a, batch * CONV1_1_RELU, d, batch * Gradients.CONV1_1_RELU,
                d, batch * Gradients.CONV1_1_BN);
        // conv1_1_bn: @BatchNormalization(), conv1_1_conv (8, 8, 4) -> (8, 8, 4)
        backend.batchNormBackward(batch * 64, 4, a, batch * CONV1_1_CONV, p, CONV1_1_BN_GAMMA,
                a, batch * CONV1_1_BN_STATISTICS, d, batch * Gradients.CONV1_1_BN,
                g, CONV1_1_BN_GAMMA, g, CONV1_1_BN_BETA, d, batch * Gradients.CONV1_1_CONV);
        gradientsFinal(CONV1_1_BN_GAMMA);
        // conv1_1_conv: @Conv2D(filters = 4, kernel = 3, padding = SAME), image (8, 8, 2) -> (8, 8, 4)
        backend.conv2dBackward(CONV1_1_CONV_WINDOW, batch, a, batch * IMAGE, p, CONV1_1_CONV_KERNEL,
                a, batch * SCRATCH, d, batch * Gradients.CONV1_1_CONV_Z, g, CONV1_1_CONV_KERNEL,
                a, batch * SCRATCH, null, 0);
        backend.columnSums(batch * 64, 4, d, batch * Gradients.CONV1_1_CONV_Z,
                g, CONV1_1_CONV_BIAS);
        gradientsFinal(CONV1_1_CONV_KERNEL);
        // image: @Input(shape = {8, 8, 2}) -> (8, 8, 2)
        // an input: no gradient
    }

    @Override
    protected void infer(int batch) {
        Memory p = parameters();
        Memory a = activations();
        // image: @Input(shape = {8, 8, 2}) -> (8, 8, 2)
        // written by the runtime
        // conv1_1_conv: @Conv2D(filters = 4, kernel = 3, padding = SAME), image (8, 8, 2) -> (8, 8, 4)
        backend.conv2d(CONV1_1_CONV_WINDOW, batch, a, batch * Inference.IMAGE,
                p, CONV1_1_CONV_KERNEL, a, batch * Inference.SCRATCH,
                a, batch * Inference.CONV1_1_CONV_Z);
        backend.biasActivation(CONV1_1_CONV_ACTIVATION, batch * 64, 4,
                a, batch * Inference.CONV1_1_CONV_Z, p, CONV1_1_CONV_BIAS,
                a, batch * Inference.CONV1_1_CONV);
        // conv1_1_bn: @BatchNormalization(), conv1_1_conv (8, 8, 4) -> (8, 8, 4)
        backend.batchNorm(false, batch * 64, 4, 0.99, 0.001, a, batch * Inference.CONV1_1_CONV,
                p, CONV1_1_BN_GAMMA, p, CONV1_1_BN_BETA, p, CONV1_1_BN_MOVING_MEAN,
                p, CONV1_1_BN_MOVING_VARIANCE, null, 0, a, batch * Inference.CONV1_1_BN);
        // conv1_1_relu: @Activation(RELU), conv1_1_bn (8, 8, 4) -> (8, 8, 4)
        // its ReLU in place: conv1_1_relu is written over conv1_1_bn, and relu' is read from it
        backend.biasActivation(CONV1_1_RELU_ACTIVATION, batch * 64, 4,
                a, batch * Inference.CONV1_1_BN, null, 0, a, batch * Inference.CONV1_1_RELU);
        // conv2_1_conv: @Conv2D(filters = 6, kernel = 3, strides = 2, padding = SAME), conv1_1_relu (8, 8, 4) -> (4, 4, 6)
        backend.conv2d(CONV2_1_CONV_WINDOW, batch, a, batch * Inference.CONV1_1_RELU,
                p, CONV2_1_CONV_KERNEL, a, batch * Inference.SCRATCH,
                a, batch * Inference.CONV2_1_CONV_Z);
        backend.biasActivation(CONV2_1_CONV_ACTIVATION, batch * 16, 6,
                a, batch * Inference.CONV2_1_CONV_Z, p, CONV2_1_CONV_BIAS,
                a, batch * Inference.CONV2_1_CONV);
        // conv2_1_bn: @BatchNormalization(), conv2_1_conv (4, 4, 6) -> (4, 4, 6)
        backend.batchNorm(false, batch * 16, 6, 0.99, 0.001, a, batch * Inference.CONV2_1_CONV,
                p, CONV2_1_BN_GAMMA, p, CONV2_1_BN_BETA, p, CONV2_1_BN_MOVING_MEAN,
                p, CONV2_1_BN_MOVING_VARIANCE, null, 0, a, batch * Inference.CONV2_1_BN);
        // conv2_1_relu: @Activation(RELU), conv2_1_bn (4, 4, 6) -> (4, 4, 6)
        // its ReLU in place: conv2_1_relu is written over conv2_1_bn, and relu' is read from it
        backend.biasActivation(CONV2_1_RELU_ACTIVATION, batch * 16, 6,
                a, batch * Inference.CONV2_1_BN, null, 0, a, batch * Inference.CONV2_1_RELU);
        // pool: @GlobalAveragePooling2D(), conv2_1_relu (4, 4, 6) -> (6)
        backend.pool2d(PoolingKind.AVERAGE, POOL_WINDOW, batch, a, batch * Inference.CONV2_1_RELU,
                a, batch * Inference.POOL);
        // output: @Dense(units = 3, activation = SOFTMAX), pool (6) -> (3)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 6, 3, a, batch * Inference.POOL,
                p, OUTPUT_KERNEL, p, OUTPUT_BIAS, a, batch * Inference.OUTPUT_Z,
                a, batch * Inference.OUTPUT);
    }

    /**
     * The arena of {@code infer}, the forward pass of a prediction and an evaluation: 1792 values per
     * sample, each tensor's offset per sample named as in the training arena. A tensor's memory is
     * reused once no later layer reads it; aliases share their tensor's offset.
     */
    private static final class Inference {
        static final int IMAGE = 0;

        static final int CONV1_1_CONV_Z = 128;

        static final int CONV1_1_CONV = CONV1_1_CONV_Z;

        static final int CONV1_1_BN = 384;

        static final int CONV1_1_RELU = CONV1_1_BN;

        static final int CONV2_1_CONV_Z = 0;

        static final int CONV2_1_CONV = CONV2_1_CONV_Z;

        static final int CONV2_1_BN = 96;

        static final int CONV2_1_RELU = CONV2_1_BN;

        static final int POOL = 0;

        static final int OUTPUT_Z = 6;

        static final int OUTPUT = 0;

        static final int SCRATCH = 640;

        private Inference() {
        }
    }

    /**
     * The arena of the activations' gradients in {@code backward}: 716 values per sample, each tensor's
     * gradient's offset per sample named as the tensor. A gradient's memory is reused once no later
     * backward op reads it; aliases share their tensor's offset.
     */
    private static final class Gradients {
        static final int CONV1_1_CONV_Z = 460;

        static final int CONV1_1_CONV = CONV1_1_CONV_Z;

        static final int CONV1_1_BN = 204;

        static final int CONV1_1_RELU = CONV1_1_BN;

        static final int CONV2_1_CONV_Z = 108;

        static final int CONV2_1_CONV = CONV2_1_CONV_Z;

        static final int CONV2_1_BN = 12;

        static final int CONV2_1_RELU = CONV2_1_BN;

        static final int POOL = 6;

        static final int OUTPUT_Z = 3;

        static final int OUTPUT = 0;

        private Gradients() {
        }
    }
}
