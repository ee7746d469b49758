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
import dev.annonet.runtime.backend.MergeKind;
import dev.annonet.runtime.backend.PoolingKind;
import javax.annotation.processing.Generated;

/**
 * The model of {@link ResidualBlock}, written by the annonet processor: its memory layout and its
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
public final class ResidualBlockModel extends Model implements ResidualBlock {
    /**
     * image: 72 values per sample.
     */
    private static final int IMAGE = 0;

    /**
     * stem.z: 144 values per sample.
     */
    private static final int STEM_Z = 72;

    /**
     * stem: the values of stem.z, in the same memory.
     */
    private static final int STEM = STEM_Z;

    /**
     * conv1.z: 144 values per sample.
     */
    private static final int CONV1_Z = 216;

    /**
     * conv1: the values of conv1.z, in the same memory.
     */
    private static final int CONV1 = CONV1_Z;

    /**
     * norm1.statistics: 8 values per sample.
     */
    private static final int NORM1_STATISTICS = 360;

    /**
     * norm1: 144 values per sample.
     */
    private static final int NORM1 = 368;

    /**
     * relu1: the values of norm1, in the same memory.
     */
    private static final int RELU1 = NORM1;

    /**
     * conv2.z: 144 values per sample.
     */
    private static final int CONV2_Z = 512;

    /**
     * conv2: the values of conv2.z, in the same memory.
     */
    private static final int CONV2 = CONV2_Z;

    /**
     * norm2.statistics: 8 values per sample.
     */
    private static final int NORM2_STATISTICS = 656;

    /**
     * norm2: 144 values per sample.
     */
    private static final int NORM2 = 664;

    /**
     * residual.z: 144 values per sample.
     */
    private static final int RESIDUAL_Z = 808;

    /**
     * residual: 144 values per sample.
     */
    private static final int RESIDUAL = 952;

    /**
     * pool: 4 values per sample.
     */
    private static final int POOL = 1096;

    /**
     * output.z: 3 values per sample.
     */
    private static final int OUTPUT_Z = 1100;

    /**
     * output: 3 values per sample.
     */
    private static final int OUTPUT = 1103;

    /**
     * scratch: 1296 values per sample.
     * The largest scratch of a layer: every layer whose scratch holds nothing between calls
     * (a convolution's im2col columns) uses it inside its call.
     */
    private static final int SCRATCH = 1106;

    /**
     * stem.kernel (1, 1, 2, 4), trainable.
     */
    private static final int STEM_KERNEL = 0;

    /**
     * stem.bias (4), trainable.
     */
    private static final int STEM_BIAS = 8;

    /**
     * conv1.kernel (3, 3, 4, 4), trainable.
     */
    private static final int CONV1_KERNEL = 12;

    /**
     * norm1.gamma (4), trainable.
     */
    private static final int NORM1_GAMMA = 156;

    /**
     * norm1.beta (4), trainable.
     */
    private static final int NORM1_BETA = 160;

    /**
     * conv2.kernel (3, 3, 4, 4), trainable.
     */
    private static final int CONV2_KERNEL = 164;

    /**
     * norm2.gamma (4), trainable.
     */
    private static final int NORM2_GAMMA = 308;

    /**
     * norm2.beta (4), trainable.
     */
    private static final int NORM2_BETA = 312;

    /**
     * output.kernel (4, 3), trainable.
     */
    private static final int OUTPUT_KERNEL = 316;

    /**
     * output.bias (3), trainable.
     */
    private static final int OUTPUT_BIAS = 328;

    /**
     * norm1.moving_mean (4), updated by training, not trainable.
     */
    private static final int NORM1_MOVING_MEAN = 331;

    /**
     * norm1.moving_variance (4), updated by training, not trainable.
     */
    private static final int NORM1_MOVING_VARIANCE = 335;

    /**
     * norm2.moving_mean (4), updated by training, not trainable.
     */
    private static final int NORM2_MOVING_MEAN = 339;

    /**
     * norm2.moving_variance (4), updated by training, not trainable.
     */
    private static final int NORM2_MOVING_VARIANCE = 343;

    private static final ActivationFunction STEM_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);

    private static final ActivationFunction RELU1_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);

    private static final ActivationFunction RESIDUAL_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);

    private static final ActivationFunction OUTPUT_ACTIVATION = ActivationFunction.of(Activation.Kind.SOFTMAX);

    private static final Window2D STEM_WINDOW = Window2D.input(6, 6, 2) .output(6, 6, 4);

    private static final Window2D CONV1_WINDOW = Window2D.input(6, 6, 4).window(3, 3).padding(1, 1)
            .output(6, 6, 4);

    private static final Window2D CONV2_WINDOW = Window2D.input(6, 6, 4).window(3, 3).padding(1, 1)
            .output(6, 6, 4);

    private static final Window2D POOL_WINDOW = Window2D.input(6, 6, 4).window(6, 6)
            .output(1, 1, 4);

    /**
     * Every parameter (Keras's "Total params"), as {@link #parameterCount()} counts them.
     */
    public static final long PARAMETER_COUNT = 347L;

    /**
     * The parameters the optimizer changes, as {@link #trainableParameterCount()} counts them.
     */
    public static final long TRAINABLE_PARAMETER_COUNT = 331L;

    /**
     * Fixed parameters and moving statistics, as {@link #nonTrainableParameterCount()} counts them.
     */
    public static final long NON_TRAINABLE_PARAMETER_COUNT = 16L;

    /**
     * Values allocated per sample of a training batch: the activations, the arena of their gradients,
     * the targets and the loss's weights.
     */
    public static final long TRAINING_VALUES_PER_SAMPLE = 2848L;

    /**
     * The most values allocated per sample of a prediction batch: the activations with the whole
     * convolution scratch (a backend that convolves without im2col allocates less of it).
     */
    public static final long PREDICTION_VALUES_PER_SAMPLE = 1800L;

    /**
     * Values allocated when the model is created: the parameters and the trainable ones' gradients
     * (compile adds the optimizer's state).
     */
    public static final long MODEL_VALUES = 678L;

    private static final NetworkLayout LAYOUT = NetworkLayout.builder("ResidualBlock")
            .input("image", IMAGE, 6, 6, 2)
            .output("output", OUTPUT, Activation.Kind.SOFTMAX, OUTPUT_Z, 3)
            .activationSize(2402)
            .inference(1800, new int[] {Inference.IMAGE}, new int[] {Inference.OUTPUT},
                    new int[] {Inference.OUTPUT_Z})
            .gradients(442, new int[] {Gradients.OUTPUT}, new int[] {Gradients.OUTPUT_Z})
            .convolutionScratch(Inference.SCRATCH, STEM_WINDOW, CONV1_WINDOW, CONV2_WINDOW)
            .trainable("stem.kernel", STEM_KERNEL, Initializer.glorotUniform(2, 4), 1, 1, 2, 4)
            .trainable("stem.bias", STEM_BIAS, Initializer.zeros(), 4)
            .trainable("conv1.kernel", CONV1_KERNEL, Initializer.glorotUniform(36, 36), 3, 3, 4, 4)
            .trainable("norm1.gamma", NORM1_GAMMA, Initializer.ones(), 4)
            .trainable("norm1.beta", NORM1_BETA, Initializer.zeros(), 4)
            .trainable("conv2.kernel", CONV2_KERNEL, Initializer.glorotUniform(36, 36), 3, 3, 4, 4)
            .trainable("norm2.gamma", NORM2_GAMMA, Initializer.ones(), 4)
            .trainable("norm2.beta", NORM2_BETA, Initializer.zeros(), 4)
            .trainable("output.kernel", OUTPUT_KERNEL, Initializer.glorotUniform(4, 3), 4, 3)
            .trainable("output.bias", OUTPUT_BIAS, Initializer.zeros(), 3)
            .state("norm1.moving_mean", NORM1_MOVING_MEAN, Initializer.zeros(), 4)
            .state("norm1.moving_variance", NORM1_MOVING_VARIANCE, Initializer.ones(), 4)
            .state("norm2.moving_mean", NORM2_MOVING_MEAN, Initializer.zeros(), 4)
            .state("norm2.moving_variance", NORM2_MOVING_VARIANCE, Initializer.ones(), 4)
            .layer("image", "InputLayer", new int[] {6, 6, 2}, 0, 0L)
            .layer("stem", "Conv2D", new int[] {6, 6, 4}, 12, 432L).from("image")
            .layer("conv1", "Conv2D", new int[] {6, 6, 4}, 144, 5184L).from("stem")
            .layer("norm1", "BatchNormalization", new int[] {6, 6, 4}, 16, 16L).from("conv1")
            .layer("relu1", "Activation", new int[] {6, 6, 4}, 0, 0L).from("norm1")
            .layer("conv2", "Conv2D", new int[] {6, 6, 4}, 144, 5184L).from("relu1")
            .layer("norm2", "BatchNormalization", new int[] {6, 6, 4}, 16, 16L).from("conv2")
            .layer("residual", "Add", new int[] {6, 6, 4}, 0, 0L).from("norm2", "stem")
            .layer("pool", "GlobalAveragePooling2D", new int[] {4}, 0, 0L).from("residual")
            .layer("output", "Dense", new int[] {3}, 15, 15L).from("pool")
            .cudaKernels(ResidualBlockCudaKernels::new)
            .build();

    private final WeightedLayer stemLayer = weightedLayer("stem");

    private final WeightedLayer conv1Layer = weightedLayer("conv1");

    private final WeightedLayer norm1Layer = weightedLayer("norm1");

    private final WeightedLayer conv2Layer = weightedLayer("conv2");

    private final WeightedLayer norm2Layer = weightedLayer("norm2");

    private final DenseLayer outputLayer = denseLayer("output");

    private ResidualBlockModel(Device device, long seed) {
        super(LAYOUT, device, seed);
    }

    private ResidualBlockModel(Model.Twin twin) {
        super(twin);
    }

    /**
     * Creates the model on {@code device}, its trainable weights initialized from {@code seed}.
     */
    public static ResidualBlockModel create(Device device, long seed) {
        return new ResidualBlockModel(device, seed);
    }

    /**
     * This network over this model's parameters, for a predictor.
     */
    @Override
    protected ResidualBlockModel twin(Model.Twin twin) {
        return new ResidualBlockModel(twin);
    }

    /**
     * image: {@code @Input(shape = {6, 6, 2})}, output shape (6, 6, 2).
     */
    @Override
    public Layer image() {
        return layer("image");
    }

    /**
     * stem: {@code @Conv2D(filters = 4, kernel = 1, activation = RELU)}, output shape (6, 6, 4).
     */
    @Override
    public WeightedLayer stem() {
        return stemLayer;
    }

    /**
     * conv1: {@code @Conv2D(filters = 4, kernel = 3, padding = SAME, useBias = false)}, output shape (6, 6, 4).
     */
    @Override
    public WeightedLayer conv1() {
        return conv1Layer;
    }

    /**
     * norm1: {@code @BatchNormalization()}, output shape (6, 6, 4).
     */
    @Override
    public WeightedLayer norm1() {
        return norm1Layer;
    }

    /**
     * relu1: {@code @Activation(RELU)}, output shape (6, 6, 4).
     */
    @Override
    public Layer relu1() {
        return layer("relu1");
    }

    /**
     * conv2: {@code @Conv2D(filters = 4, kernel = 3, padding = SAME, useBias = false)}, output shape (6, 6, 4).
     */
    @Override
    public WeightedLayer conv2() {
        return conv2Layer;
    }

    /**
     * norm2: {@code @BatchNormalization()}, output shape (6, 6, 4).
     */
    @Override
    public WeightedLayer norm2() {
        return norm2Layer;
    }

    /**
     * residual: {@code @Add(activation = RELU)}, output shape (6, 6, 4).
     */
    @Override
    public Layer residual() {
        return layer("residual");
    }

    /**
     * pool: {@code @GlobalAveragePooling2D()}, output shape (4).
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
     * Predicts one sample.
     *
     * @param image one sample of {@code image}, shape (6, 6, 2), its values in row-major order
     * @return the output {@code output}, shape (3), its values in row-major order
     */
    public float[] predict(float[] image) {
        return predictSample(image);
    }

    @Override
    protected void forward(int batch, boolean training) {
        Memory p = parameters();
        Memory a = activations();
        // image: @Input(shape = {6, 6, 2}) -> (6, 6, 2)
        // written by the runtime
        // stem: @Conv2D(filters = 4, kernel = 1, activation = RELU), image (6, 6, 2) -> (6, 6, 4)
        // its ReLU in place: stem is written over stem.z, and relu' is read from it
        backend.conv2d(STEM_WINDOW, batch, a, batch * IMAGE, p, STEM_KERNEL, a, batch * SCRATCH,
                a, batch * STEM_Z);
        backend.biasActivation(STEM_ACTIVATION, batch * 36, 4, a, batch * STEM_Z, p, STEM_BIAS,
                a, batch * STEM);
        // conv1: @Conv2D(filters = 4, kernel = 3, padding = SAME, useBias = false), stem (6, 6, 4) -> (6, 6, 4)
        backend.conv2d(CONV1_WINDOW, batch, a, batch * STEM, p, CONV1_KERNEL, a, batch * SCRATCH,
                a, batch * CONV1_Z);
        // norm1: @BatchNormalization(), conv1 (6, 6, 4) -> (6, 6, 4)
        if (training) {
            backend.batchNorm(true, batch * 36, 4, 0.99, 0.001, a, batch * CONV1, p, NORM1_GAMMA,
                    p, NORM1_BETA, p, NORM1_MOVING_MEAN, p, NORM1_MOVING_VARIANCE,
                    a, batch * NORM1_STATISTICS, a, batch * NORM1);
        } else {
            backend.batchNorm(false, batch * 36, 4, 0.99, 0.001, a, batch * CONV1, p, NORM1_GAMMA,
                    p, NORM1_BETA, p, NORM1_MOVING_MEAN, p, NORM1_MOVING_VARIANCE, null, 0,
                    a, batch * NORM1);
        }
        // relu1: @Activation(RELU), norm1 (6, 6, 4) -> (6, 6, 4)
        // its ReLU in place: relu1 is written over norm1, and relu' is read from it
        backend.biasActivation(RELU1_ACTIVATION, batch * 36, 4, a, batch * NORM1, null, 0,
                a, batch * RELU1);
        // conv2: @Conv2D(filters = 4, kernel = 3, padding = SAME, useBias = false), relu1 (6, 6, 4) -> (6, 6, 4)
        backend.conv2d(CONV2_WINDOW, batch, a, batch * RELU1, p, CONV2_KERNEL, a, batch * SCRATCH,
                a, batch * CONV2_Z);
        // norm2: @BatchNormalization(), conv2 (6, 6, 4) -> (6, 6, 4)
        if (training) {
            backend.batchNorm(true, batch * 36, 4, 0.99, 0.001, a, batch * CONV2, p, NORM2_GAMMA,
                    p, NORM2_BETA, p, NORM2_MOVING_MEAN, p, NORM2_MOVING_VARIANCE,
                    a, batch * NORM2_STATISTICS, a, batch * NORM2);
        } else {
            backend.batchNorm(false, batch * 36, 4, 0.99, 0.001, a, batch * CONV2, p, NORM2_GAMMA,
                    p, NORM2_BETA, p, NORM2_MOVING_MEAN, p, NORM2_MOVING_VARIANCE, null, 0,
                    a, batch * NORM2);
        }
        // residual: @Add(activation = RELU), norm2 (6, 6, 4), stem (6, 6, 4) -> (6, 6, 4)
        backend.merge(MergeKind.SUM, 0, 1.0f, batch * 144, a, batch * NORM2, a, batch * RESIDUAL_Z,
                null, 0);
        backend.merge(MergeKind.SUM, 1, 1.0f, batch * 144, a, batch * STEM, a, batch * RESIDUAL_Z,
                null, 0, RESIDUAL_ACTIVATION, a, batch * RESIDUAL);
        // pool: @GlobalAveragePooling2D(), residual (6, 6, 4) -> (4)
        backend.pool2d(PoolingKind.AVERAGE, POOL_WINDOW, batch, a, batch * RESIDUAL,
                a, batch * POOL);
        // output: @Dense(units = 3, activation = SOFTMAX), pool (4) -> (3)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 4, 3, a, batch * POOL, p, OUTPUT_KERNEL,
                p, OUTPUT_BIAS, a, batch * OUTPUT_Z, a, batch * OUTPUT);
    }

    @Override
    protected void backward(int batch, boolean outputGradientFused) {
        Memory p = parameters();
        Memory g = gradients();
        Memory a = activations();
        Memory d = activationGradients();
        // output: @Dense(units = 3, activation = SOFTMAX), pool (4) -> (3)
        if (!outputGradientFused) {
            backend.activationBackward(OUTPUT_ACTIVATION, batch, 3, a, batch * OUTPUT_Z,
                    a, batch * OUTPUT, d, batch * Gradients.OUTPUT, d, batch * Gradients.OUTPUT_Z);
        }
        backend.denseParameterGradients(batch, 4, 3, a, batch * POOL, d, batch * Gradients.OUTPUT_Z,
                g, OUTPUT_KERNEL, g, OUTPUT_BIAS);
        backend.matmul(false, true, batch, 4, 3, d, batch * Gradients.OUTPUT_Z, p, OUTPUT_KERNEL,
                d, batch * Gradients.POOL, false);
        gradientsFinal(OUTPUT_KERNEL);
        // pool: @GlobalAveragePooling2D(), residual (6, 6, 4) -> (4)
        backend.pool2dBackward(PoolingKind.AVERAGE, POOL_WINDOW, batch, a, batch * RESIDUAL,
                d, batch * Gradients.POOL, d, batch * Gradients.RESIDUAL);
        // residual: @Add(activation = RELU), norm2 (6, 6, 4), stem (6, 6, 4) -> (6, 6, 4)
        backend.activationBackward(RESIDUAL_ACTIVATION, batch * 36, 4, a, batch * RESIDUAL_Z,
                a, batch * RESIDUAL, d, batch * Gradients.RESIDUAL,
                d, batch * Gradients.RESIDUAL_Z);
        backend.merge(MergeKind.SUM, 0, 1.0f, batch * 144, d, batch * Gradients.RESIDUAL_Z,
                d, batch * Gradients.NORM2, null, 0);
        backend.merge(MergeKind.SUM, 0, 1.0f, batch * 144, d, batch * Gradients.RESIDUAL_Z,
                d, batch * Gradients.STEM, null, 0);
        // norm2: @BatchNormalization(), conv2 (6, 6, 4) -> (6, 6, 4)
        backend.batchNormBackward(batch * 36, 4, a, batch * CONV2, p, NORM2_GAMMA,
                a, batch * NORM2_STATISTICS, d, batch * Gradients.NORM2, g, NORM2_GAMMA,
                g, NORM2_BETA, d, batch * Gradients.CONV2);
        gradientsFinal(NORM2_GAMMA);
        // conv2: @Conv2D(filters = 4, kernel = 3, padding = SAME, useBias = false), relu1 (6, 6, 4) -> (6, 6, 4)
        backend.conv2dBackward(CONV2_WINDOW, batch, a, batch * RELU1, p, CONV2_KERNEL,
                a, batch * SCRATCH, d, batch * Gradients.CONV2_Z, g, CONV2_KERNEL,
                a, batch * SCRATCH, d, batch * Gradients.RELU1);
        gradientsFinal(CONV2_KERNEL);
        // relu1: @Activation(RELU), norm1 (6, 6, 4) -> (6, 6, 4)
        // its ReLU in place: relu1 is written over norm1, and relu' is read from it
        backend.activationBackward(RELU1_ACTIVATION, batch * 36, 4, a, batch * NORM1,
                a, batch * RELU1, d, batch * Gradients.RELU1, d, batch * Gradients.NORM1);
        // norm1: @BatchNormalization(), conv1 (6, 6, 4) -> (6, 6, 4)
        backend.batchNormBackward(batch * 36, 4, a, batch * CONV1, p, NORM1_GAMMA,
                a, batch * NORM1_STATISTICS, d, batch * Gradients.NORM1, g, NORM1_GAMMA,
                g, NORM1_BETA, d, batch * Gradients.CONV1);
        gradientsFinal(NORM1_GAMMA);
        // conv1: @Conv2D(filters = 4, kernel = 3, padding = SAME, useBias = false), stem (6, 6, 4) -> (6, 6, 4)
        backend.conv2dBackward(CONV1_WINDOW, batch, a, batch * STEM, p, CONV1_KERNEL,
                a, batch * SCRATCH, d, batch * Gradients.CONV1_Z, g, CONV1_KERNEL,
                a, batch * SCRATCH, d, batch * Gradients.STEM_GRADIENT_PART);
        backend.merge(MergeKind.SUM, 1, 1.0f, batch * 144, d, batch * Gradients.STEM_GRADIENT_PART,
                d, batch * Gradients.STEM_Z, null, 0);
        gradientsFinal(CONV1_KERNEL);
        // stem: @Conv2D(filters = 4, kernel = 1, activation = RELU), image (6, 6, 2) -> (6, 6, 4)
        // its ReLU in place: stem is written over stem.z, and relu' is read from it
        backend.activationBackward(STEM_ACTIVATION, batch * 36, 4, a, batch * STEM_Z,
                a, batch * STEM, d, batch * Gradients.STEM, d, batch * Gradients.STEM_Z);
        backend.conv2dBackward(STEM_WINDOW, batch, a, batch * IMAGE, p, STEM_KERNEL,
                a, batch * SCRATCH, d, batch * Gradients.STEM_Z, g, STEM_KERNEL, a, batch * SCRATCH,
                null, 0);
        backend.columnSums(batch * 36, 4, d, batch * Gradients.STEM_Z, g, STEM_BIAS);
        gradientsFinal(STEM_KERNEL);
        // image: @Input(shape = {6, 6, 2}) -> (6, 6, 2)
        // an input: no gradient
    }

    @Override
    protected void infer(int batch) {
        Memory p = parameters();
        Memory a = activations();
        // image: @Input(shape = {6, 6, 2}) -> (6, 6, 2)
        // written by the runtime
        // stem: @Conv2D(filters = 4, kernel = 1, activation = RELU), image (6, 6, 2) -> (6, 6, 4)
        // its ReLU in place: stem is written over stem.z, and relu' is read from it
        backend.conv2d(STEM_WINDOW, batch, a, batch * Inference.IMAGE, p, STEM_KERNEL,
                a, batch * Inference.SCRATCH, a, batch * Inference.STEM_Z);
        backend.biasActivation(STEM_ACTIVATION, batch * 36, 4, a, batch * Inference.STEM_Z,
                p, STEM_BIAS, a, batch * Inference.STEM);
        // conv1: @Conv2D(filters = 4, kernel = 3, padding = SAME, useBias = false), stem (6, 6, 4) -> (6, 6, 4)
        backend.conv2d(CONV1_WINDOW, batch, a, batch * Inference.STEM, p, CONV1_KERNEL,
                a, batch * Inference.SCRATCH, a, batch * Inference.CONV1_Z);
        // norm1: @BatchNormalization(), conv1 (6, 6, 4) -> (6, 6, 4)
        backend.batchNorm(false, batch * 36, 4, 0.99, 0.001, a, batch * Inference.CONV1,
                p, NORM1_GAMMA, p, NORM1_BETA, p, NORM1_MOVING_MEAN, p, NORM1_MOVING_VARIANCE,
                null, 0, a, batch * Inference.NORM1);
        // relu1: @Activation(RELU), norm1 (6, 6, 4) -> (6, 6, 4)
        // its ReLU in place: relu1 is written over norm1, and relu' is read from it
        backend.biasActivation(RELU1_ACTIVATION, batch * 36, 4, a, batch * Inference.NORM1, null, 0,
                a, batch * Inference.RELU1);
        // conv2: @Conv2D(filters = 4, kernel = 3, padding = SAME, useBias = false), relu1 (6, 6, 4) -> (6, 6, 4)
        backend.conv2d(CONV2_WINDOW, batch, a, batch * Inference.RELU1, p, CONV2_KERNEL,
                a, batch * Inference.SCRATCH, a, batch * Inference.CONV2_Z);
        // norm2: @BatchNormalization(), conv2 (6, 6, 4) -> (6, 6, 4)
        backend.batchNorm(false, batch * 36, 4, 0.99, 0.001, a, batch * Inference.CONV2,
                p, NORM2_GAMMA, p, NORM2_BETA, p, NORM2_MOVING_MEAN, p, NORM2_MOVING_VARIANCE,
                null, 0, a, batch * Inference.NORM2);
        // residual: @Add(activation = RELU), norm2 (6, 6, 4), stem (6, 6, 4) -> (6, 6, 4)
        backend.merge(MergeKind.SUM, 0, 1.0f, batch * 144, a, batch * Inference.NORM2,
                a, batch * Inference.RESIDUAL_Z, null, 0);
        backend.merge(MergeKind.SUM, 1, 1.0f, batch * 144, a, batch * Inference.STEM,
                a, batch * Inference.RESIDUAL_Z, null, 0, RESIDUAL_ACTIVATION,
                a, batch * Inference.RESIDUAL);
        // pool: @GlobalAveragePooling2D(), residual (6, 6, 4) -> (4)
        backend.pool2d(PoolingKind.AVERAGE, POOL_WINDOW, batch, a, batch * Inference.RESIDUAL,
                a, batch * Inference.POOL);
        // output: @Dense(units = 3, activation = SOFTMAX), pool (4) -> (3)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 4, 3, a, batch * Inference.POOL,
                p, OUTPUT_KERNEL, p, OUTPUT_BIAS, a, batch * Inference.OUTPUT_Z,
                a, batch * Inference.OUTPUT);
    }

    /**
     * The arena of {@code infer}, the forward pass of a prediction and an evaluation: 1800 values per
     * sample, each tensor's offset per sample named as in the training arena. A tensor's memory is
     * reused once no later layer reads it; aliases share their tensor's offset.
     */
    private static final class Inference {
        static final int IMAGE = 0;

        static final int STEM_Z = 72;

        static final int STEM = STEM_Z;

        static final int CONV1_Z = 216;

        static final int CONV1 = CONV1_Z;

        static final int NORM1 = 360;

        static final int RELU1 = NORM1;

        static final int CONV2_Z = 216;

        static final int CONV2 = CONV2_Z;

        static final int NORM2 = 360;

        static final int RESIDUAL_Z = 216;

        static final int RESIDUAL = 360;

        static final int POOL = 0;

        static final int OUTPUT_Z = 4;

        static final int OUTPUT = 0;

        static final int SCRATCH = 504;

        private Inference() {
        }
    }

    /**
     * The arena of the activations' gradients in {@code backward}: 442 values per sample, each tensor's
     * gradient's offset per sample named as the tensor. A gradient's memory is reused once no later
     * backward op reads it; aliases share their tensor's offset.
     */
    private static final class Gradients {
        static final int STEM_Z = 298;

        static final int STEM = STEM_Z;

        static final int CONV1_Z = 144;

        static final int CONV1 = CONV1_Z;

        static final int NORM1 = 0;

        static final int RELU1 = NORM1;

        static final int CONV2_Z = 144;

        static final int CONV2 = CONV2_Z;

        static final int NORM2 = 0;

        static final int RESIDUAL_Z = 154;

        static final int RESIDUAL = 10;

        static final int POOL = 6;

        static final int OUTPUT_Z = 3;

        static final int OUTPUT = 0;

        static final int STEM_GRADIENT_PART = 0;

        private Gradients() {
        }
    }
}
