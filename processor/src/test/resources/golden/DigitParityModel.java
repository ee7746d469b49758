package example;

import dev.annonet.contract.Initializer;
import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Layer;
import dev.annonet.runtime.DenseLayer;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Evaluation;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.NetworkLayout;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Memory;
import javax.annotation.processing.Generated;

/**
 * The model of {@link DigitParity}, written by the annonet processor: its memory layout and its
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
public final class DigitParityModel extends Model implements DigitParity {
    /**
     * image: 6 values per sample.
     */
    private static final int IMAGE = 0;

    /**
     * hidden.z: 5 values per sample.
     */
    private static final int HIDDEN_Z = 6;

    /**
     * hidden: the values of hidden.z, in the same memory.
     */
    private static final int HIDDEN = HIDDEN_Z;

    /**
     * digit.z: 4 values per sample.
     */
    private static final int DIGIT_Z = 11;

    /**
     * digit: 4 values per sample.
     */
    private static final int DIGIT = 15;

    /**
     * metadata: 3 values per sample.
     */
    private static final int METADATA = 19;

    /**
     * even.z: 1 values per sample.
     */
    private static final int EVEN_Z = 22;

    /**
     * even: 1 values per sample.
     */
    private static final int EVEN = 23;

    /**
     * hidden.kernel (6, 5), trainable.
     */
    private static final int HIDDEN_KERNEL = 0;

    /**
     * hidden.bias (5), trainable.
     */
    private static final int HIDDEN_BIAS = 30;

    /**
     * digit.kernel (5, 4), trainable.
     */
    private static final int DIGIT_KERNEL = 35;

    /**
     * digit.bias (4), trainable.
     */
    private static final int DIGIT_BIAS = 55;

    /**
     * even.kernel (3, 1), trainable.
     */
    private static final int EVEN_KERNEL = 59;

    /**
     * even.bias (1), trainable.
     */
    private static final int EVEN_BIAS = 62;

    private static final ActivationFunction HIDDEN_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);

    private static final ActivationFunction DIGIT_ACTIVATION = ActivationFunction.of(Activation.Kind.SOFTMAX);

    private static final ActivationFunction EVEN_ACTIVATION = ActivationFunction.of(Activation.Kind.SIGMOID);

    /**
     * Every parameter (Keras's "Total params"), as {@link #parameterCount()} counts them.
     */
    public static final long PARAMETER_COUNT = 63L;

    /**
     * The parameters the optimizer changes, as {@link #trainableParameterCount()} counts them.
     */
    public static final long TRAINABLE_PARAMETER_COUNT = 63L;

    /**
     * Fixed parameters and moving statistics, as {@link #nonTrainableParameterCount()} counts them.
     */
    public static final long NON_TRAINABLE_PARAMETER_COUNT = 0L;

    /**
     * Values allocated per sample of a training batch: the activations, the arena of their gradients,
     * the targets and the loss's weights.
     */
    public static final long TRAINING_VALUES_PER_SAMPLE = 43L;

    /**
     * The most values allocated per sample of a prediction batch: the activations with the whole
     * convolution scratch (a backend that convolves without im2col allocates less of it).
     */
    public static final long PREDICTION_VALUES_PER_SAMPLE = 14L;

    /**
     * Values allocated when the model is created: the parameters and the trainable ones' gradients
     * (compile adds the optimizer's state).
     */
    public static final long MODEL_VALUES = 126L;

    private static final NetworkLayout LAYOUT = NetworkLayout.builder("DigitParity")
            .input("image", IMAGE, 6)
            .input("metadata", METADATA, 3)
            .output("digit", DIGIT, Activation.Kind.SOFTMAX, DIGIT_Z, 4)
            .output("even", EVEN, Activation.Kind.SIGMOID, EVEN_Z, 1)
            .activationSize(24)
            .inference(14, new int[] {Inference.IMAGE, Inference.METADATA},
                    new int[] {Inference.DIGIT, Inference.EVEN},
                    new int[] {Inference.DIGIT_Z, Inference.EVEN_Z})
            .gradients(13, new int[] {Gradients.DIGIT, Gradients.EVEN},
                    new int[] {Gradients.DIGIT_Z, Gradients.EVEN_Z})
            .trainable("hidden.kernel", HIDDEN_KERNEL, Initializer.glorotUniform(6, 5), 6, 5)
            .trainable("hidden.bias", HIDDEN_BIAS, Initializer.zeros(), 5)
            .trainable("digit.kernel", DIGIT_KERNEL, Initializer.glorotUniform(5, 4), 5, 4)
            .trainable("digit.bias", DIGIT_BIAS, Initializer.zeros(), 4)
            .trainable("even.kernel", EVEN_KERNEL, Initializer.glorotUniform(3, 1), 3, 1)
            .trainable("even.bias", EVEN_BIAS, Initializer.zeros(), 1)
            .layer("image", "InputLayer", new int[] {6}, 0, 0L)
            .layer("metadata", "InputLayer", new int[] {3}, 0, 0L)
            .layer("hidden", "Dense", new int[] {5}, 35, 35L)
            .layer("digit", "Dense", new int[] {4}, 24, 24L)
            .layer("even", "Dense", new int[] {1}, 4, 4L)
            .cudaKernels(DigitParityCudaKernels::new)
            .build();

    private final DenseLayer hiddenLayer = denseLayer("hidden");

    private final DenseLayer digitLayer = denseLayer("digit");

    private final DenseLayer evenLayer = denseLayer("even");

    private DigitParityModel(Device device, long seed) {
        super(LAYOUT, device, seed);
    }

    private DigitParityModel(Model.Twin twin) {
        super(twin);
    }

    /**
     * Creates the model on {@code device}, its trainable weights initialized from {@code seed}.
     */
    public static DigitParityModel create(Device device, long seed) {
        return new DigitParityModel(device, seed);
    }

    /**
     * This network over this model's parameters, for a predictor.
     */
    @Override
    protected DigitParityModel twin(Model.Twin twin) {
        return new DigitParityModel(twin);
    }

    /**
     * image: {@code @Input(shape = 6)}, output shape (6).
     */
    @Override
    public Layer image() {
        return layer("image");
    }

    /**
     * metadata: {@code @Input(shape = 3)}, output shape (3).
     */
    @Override
    public Layer metadata() {
        return layer("metadata");
    }

    /**
     * hidden: {@code @Dense(units = 5, activation = RELU)}, output shape (5).
     */
    @Override
    public DenseLayer hidden() {
        return hiddenLayer;
    }

    /**
     * digit: {@code @Dense(units = 4, activation = SOFTMAX)}, output shape (4).
     */
    @Override
    public DenseLayer digit() {
        return digitLayer;
    }

    /**
     * even: {@code @Dense(units = 1, activation = SIGMOID)}, output shape (1).
     */
    @Override
    public DenseLayer even() {
        return evenLayer;
    }

    /**
     * Trains on the samples of the inputs {@code image} (6), {@code metadata} (3) (first axis: samples) with the targets of the outputs {@code digit} (4), {@code even} (1),
     * as Keras's {@code fit(x=[...], y=[...])}: returns the loss and metrics of each epoch.
     */
    public History fit(Tensor image, Tensor metadata, Tensor digit, Tensor even, Fit options) {
        return fitPorts(new Tensor[] {image, metadata}, new Tensor[] {digit, even}, options);
    }

    /**
     * The loss and metrics over the samples of {@code image} (6), {@code metadata} (3) with the targets of {@code digit} (4), {@code even} (1), in batches of 32, without dropout.
     */
    public Evaluation evaluate(Tensor image, Tensor metadata, Tensor digit, Tensor even) {
        return evaluate(image, metadata, digit, even, DEFAULT_BATCH_SIZE);
    }

    /**
     * The loss and metrics over the samples of {@code image} (6), {@code metadata} (3) with the targets of {@code digit} (4), {@code even} (1), {@code batchSize} at a time, without dropout.
     */
    public Evaluation evaluate(Tensor image, Tensor metadata, Tensor digit, Tensor even,
            int batchSize) {
        return evaluatePorts(new Tensor[] {image, metadata}, new Tensor[] {digit, even}, batchSize);
    }

    /**
     * The outputs {@code digit} (4), {@code even} (1) for the samples of {@code image} (6), {@code metadata} (3), computed 32 at a time.
     */
    public Outputs predictOutputs(Tensor image, Tensor metadata) {
        return predictOutputs(image, metadata, DEFAULT_BATCH_SIZE);
    }

    /**
     * The outputs {@code digit} (4), {@code even} (1) for the samples of {@code image} (6), {@code metadata} (3), computed {@code batchSize} at a time.
     */
    public Outputs predictOutputs(Tensor image, Tensor metadata, int batchSize) {
        return new Outputs(predictPorts(new Tensor[] {image, metadata}, batchSize));
    }

    @Override
    protected void forward(int batch, boolean training) {
        Memory p = parameters();
        Memory a = activations();
        // image: @Input(shape = 6) -> (6)
        // written by the runtime
        // hidden: @Dense(units = 5, activation = RELU), image (6) -> (5)
        // its ReLU in place: hidden is written over hidden.z, and relu' is read from it
        backend.denseForward(HIDDEN_ACTIVATION, batch, 6, 5, a, batch * IMAGE, p, HIDDEN_KERNEL,
                p, HIDDEN_BIAS, a, batch * HIDDEN_Z, a, batch * HIDDEN);
        // digit: @Dense(units = 4, activation = SOFTMAX), hidden (5) -> (4)
        backend.denseForward(DIGIT_ACTIVATION, batch, 5, 4, a, batch * HIDDEN, p, DIGIT_KERNEL,
                p, DIGIT_BIAS, a, batch * DIGIT_Z, a, batch * DIGIT);
        // metadata: @Input(shape = 3) -> (3)
        // written by the runtime
        // even: @Dense(units = 1, activation = SIGMOID), metadata (3) -> (1)
        backend.denseForward(EVEN_ACTIVATION, batch, 3, 1, a, batch * METADATA, p, EVEN_KERNEL,
                p, EVEN_BIAS, a, batch * EVEN_Z, a, batch * EVEN);
    }

    @Override
    protected void backward(int batch, boolean outputGradientFused) {
        Memory p = parameters();
        Memory g = gradients();
        Memory a = activations();
        Memory d = activationGradients();
        // even: @Dense(units = 1, activation = SIGMOID), metadata (3) -> (1)
        if (!outputGradientFused) {
            backend.activationBackward(EVEN_ACTIVATION, batch, 1, a, batch * EVEN_Z,
                    a, batch * EVEN, d, batch * Gradients.EVEN, d, batch * Gradients.EVEN_Z);
        }
        backend.denseParameterGradients(batch, 3, 1, a, batch * METADATA,
                d, batch * Gradients.EVEN_Z, g, EVEN_KERNEL, g, EVEN_BIAS);
        gradientsFinal(EVEN_KERNEL);
        // metadata: @Input(shape = 3) -> (3)
        // an input: no gradient
        // digit: @Dense(units = 4, activation = SOFTMAX), hidden (5) -> (4)
        if (!outputGradientFused) {
            backend.activationBackward(DIGIT_ACTIVATION, batch, 4, a, batch * DIGIT_Z,
                    a, batch * DIGIT, d, batch * Gradients.DIGIT, d, batch * Gradients.DIGIT_Z);
        }
        backend.denseParameterGradients(batch, 5, 4, a, batch * HIDDEN,
                d, batch * Gradients.DIGIT_Z, g, DIGIT_KERNEL, g, DIGIT_BIAS);
        backend.matmul(false, true, batch, 5, 4, d, batch * Gradients.DIGIT_Z, p, DIGIT_KERNEL,
                d, batch * Gradients.HIDDEN, false);
        gradientsFinal(DIGIT_KERNEL);
        // hidden: @Dense(units = 5, activation = RELU), image (6) -> (5)
        // its ReLU in place: hidden is written over hidden.z, and relu' is read from it
        backend.activationBackward(HIDDEN_ACTIVATION, batch, 5, a, batch * HIDDEN_Z,
                a, batch * HIDDEN, d, batch * Gradients.HIDDEN, d, batch * Gradients.HIDDEN_Z);
        backend.denseParameterGradients(batch, 6, 5, a, batch * IMAGE,
                d, batch * Gradients.HIDDEN_Z, g, HIDDEN_KERNEL, g, HIDDEN_BIAS);
        gradientsFinal(HIDDEN_KERNEL);
        // image: @Input(shape = 6) -> (6)
        // an input: no gradient
    }

    @Override
    protected void infer(int batch) {
        Memory p = parameters();
        Memory a = activations();
        // image: @Input(shape = 6) -> (6)
        // written by the runtime
        // hidden: @Dense(units = 5, activation = RELU), image (6) -> (5)
        // its ReLU in place: hidden is written over hidden.z, and relu' is read from it
        backend.denseForward(HIDDEN_ACTIVATION, batch, 6, 5, a, batch * Inference.IMAGE,
                p, HIDDEN_KERNEL, p, HIDDEN_BIAS, a, batch * Inference.HIDDEN_Z,
                a, batch * Inference.HIDDEN);
        // digit: @Dense(units = 4, activation = SOFTMAX), hidden (5) -> (4)
        backend.denseForward(DIGIT_ACTIVATION, batch, 5, 4, a, batch * Inference.HIDDEN,
                p, DIGIT_KERNEL, p, DIGIT_BIAS, a, batch * Inference.DIGIT_Z,
                a, batch * Inference.DIGIT);
        // metadata: @Input(shape = 3) -> (3)
        // written by the runtime
        // even: @Dense(units = 1, activation = SIGMOID), metadata (3) -> (1)
        backend.denseForward(EVEN_ACTIVATION, batch, 3, 1, a, batch * Inference.METADATA,
                p, EVEN_KERNEL, p, EVEN_BIAS, a, batch * Inference.EVEN_Z,
                a, batch * Inference.EVEN);
    }

    /**
     * What {@code predictOutputs} returns: each output's values, shape (samples, output shape...).
     */
    public static final class Outputs {
        private final Tensor digit;

        private final Tensor even;

        private Outputs(Tensor[] values) {
            this.digit = values[0];
            this.even = values[1];
        }

        /**
         * The values of {@code digit}, shape (samples, 4).
         */
        public Tensor digit() {
            return digit;
        }

        /**
         * The values of {@code even}, shape (samples, 1).
         */
        public Tensor even() {
            return even;
        }
    }

    /**
     * The arena of {@code infer}, the forward pass of a prediction and an evaluation: 14 values per
     * sample, each tensor's offset per sample named as in the training arena. A tensor's memory is
     * reused once no later layer reads it; aliases share their tensor's offset.
     */
    private static final class Inference {
        static final int IMAGE = 0;

        static final int HIDDEN_Z = 9;

        static final int HIDDEN = HIDDEN_Z;

        static final int DIGIT_Z = 0;

        static final int DIGIT = 9;

        static final int METADATA = 6;

        static final int EVEN_Z = 4;

        static final int EVEN = 5;

        private Inference() {
        }
    }

    /**
     * The arena of the activations' gradients in {@code backward}: 13 values per sample, each tensor's
     * gradient's offset per sample named as the tensor. A gradient's memory is reused once no later
     * backward op reads it; aliases share their tensor's offset.
     */
    private static final class Gradients {
        static final int HIDDEN_Z = 8;

        static final int HIDDEN = HIDDEN_Z;

        static final int DIGIT_Z = 4;

        static final int DIGIT = 0;

        static final int EVEN_Z = 9;

        static final int EVEN = 8;

        private Gradients() {
        }
    }
}
