package example;

import dev.annonet.contract.Initializer;
import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Layer;
import dev.annonet.runtime.DenseLayer;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.NetworkLayout;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Memory;
import javax.annotation.processing.Generated;

/**
 * The model of {@link MnistMlp}, written by the annonet processor: its memory layout and its
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
public final class MnistMlpModel extends Model implements MnistMlp {
    /**
     * image: 784 values per sample.
     */
    private static final int IMAGE = 0;

    /**
     * hidden.z: 512 values per sample.
     */
    private static final int HIDDEN_Z = 784;

    /**
     * hidden: the values of hidden.z, in the same memory.
     */
    private static final int HIDDEN = HIDDEN_Z;

    /**
     * dropout: 512 values per sample.
     */
    private static final int DROPOUT = 1296;

    /**
     * output.z: 10 values per sample.
     */
    private static final int OUTPUT_Z = 1808;

    /**
     * output: 10 values per sample.
     */
    private static final int OUTPUT = 1818;

    /**
     * hidden.kernel (784, 512), trainable.
     */
    private static final int HIDDEN_KERNEL = 0;

    /**
     * hidden.bias (512), trainable.
     */
    private static final int HIDDEN_BIAS = 401408;

    /**
     * output.kernel (512, 10), trainable.
     */
    private static final int OUTPUT_KERNEL = 401920;

    /**
     * output.bias (10), trainable.
     */
    private static final int OUTPUT_BIAS = 407040;

    private static final ActivationFunction HIDDEN_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);

    private static final ActivationFunction OUTPUT_ACTIVATION = ActivationFunction.of(Activation.Kind.SOFTMAX);

    private static final double DROPOUT_RATE = 0.2;

    /**
     * Every parameter (Keras's "Total params"), as {@link #parameterCount()} counts them.
     */
    public static final long PARAMETER_COUNT = 407050L;

    /**
     * The parameters the optimizer changes, as {@link #trainableParameterCount()} counts them.
     */
    public static final long TRAINABLE_PARAMETER_COUNT = 407050L;

    /**
     * Fixed parameters and moving statistics, as {@link #nonTrainableParameterCount()} counts them.
     */
    public static final long NON_TRAINABLE_PARAMETER_COUNT = 0L;

    /**
     * Values allocated per sample of a training batch: the activations, the arena of their gradients,
     * the targets and the loss's weights.
     */
    public static final long TRAINING_VALUES_PER_SAMPLE = 2883L;

    /**
     * The most values allocated per sample of a prediction batch: the activations with the whole
     * convolution scratch (a backend that convolves without im2col allocates less of it).
     */
    public static final long PREDICTION_VALUES_PER_SAMPLE = 1296L;

    /**
     * Values allocated when the model is created: the parameters and the trainable ones' gradients
     * (compile adds the optimizer's state).
     */
    public static final long MODEL_VALUES = 814100L;

    private static final NetworkLayout LAYOUT = NetworkLayout.builder("MnistMlp")
            .input("image", IMAGE, 784)
            .output("output", OUTPUT, Activation.Kind.SOFTMAX, OUTPUT_Z, 10)
            .activationSize(1828)
            .inference(1296, new int[] {Inference.IMAGE}, new int[] {Inference.OUTPUT},
                    new int[] {Inference.OUTPUT_Z})
            .gradients(1044, new int[] {Gradients.OUTPUT}, new int[] {Gradients.OUTPUT_Z})
            .trainable("hidden.kernel", HIDDEN_KERNEL, Initializer.glorotUniform(784, 512), 784, 512)
            .trainable("hidden.bias", HIDDEN_BIAS, Initializer.zeros(), 512)
            .trainable("output.kernel", OUTPUT_KERNEL, Initializer.glorotUniform(512, 10), 512, 10)
            .trainable("output.bias", OUTPUT_BIAS, Initializer.zeros(), 10)
            .layer("image", "InputLayer", new int[] {784}, 0, 0L)
            .layer("hidden", "Dense", new int[] {512}, 401920, 401920L)
            .layer("dropout", "Dropout", new int[] {512}, 0, 0L)
            .layer("output", "Dense", new int[] {10}, 5130, 5130L)
            .cudaKernels(MnistMlpCudaKernels::new)
            .build();

    private final DenseLayer hiddenLayer = denseLayer("hidden");

    private final DenseLayer outputLayer = denseLayer("output");

    private MnistMlpModel(Device device, long seed) {
        super(LAYOUT, device, seed);
    }

    private MnistMlpModel(Model.Twin twin) {
        super(twin);
    }

    /**
     * Creates the model on {@code device}, its trainable weights initialized from {@code seed}.
     */
    public static MnistMlpModel create(Device device, long seed) {
        return new MnistMlpModel(device, seed);
    }

    /**
     * This network over this model's parameters, for a predictor.
     */
    @Override
    protected MnistMlpModel twin(Model.Twin twin) {
        return new MnistMlpModel(twin);
    }

    /**
     * image: {@code @Input(shape = 784)}, output shape (784).
     */
    @Override
    public Layer image() {
        return layer("image");
    }

    /**
     * hidden: {@code @Dense(units = 512, activation = RELU)}, output shape (512).
     */
    @Override
    public DenseLayer hidden() {
        return hiddenLayer;
    }

    /**
     * dropout: {@code @Dropout(rate = 0.2)}, output shape (512).
     */
    @Override
    public Layer dropout() {
        return layer("dropout");
    }

    /**
     * output: {@code @Dense(units = 10, activation = SOFTMAX)}, output shape (10).
     */
    @Override
    public DenseLayer output() {
        return outputLayer;
    }

    /**
     * Predicts one sample.
     *
     * @param image one sample of {@code image}, shape (784), its values in row-major order
     * @return the output {@code output}, shape (10), its values in row-major order
     */
    public float[] predict(float[] image) {
        return predictSample(image);
    }

    @Override
    protected void forward(int batch, boolean training) {
        Memory p = parameters();
        Memory a = activations();
        // image: @Input(shape = 784) -> (784)
        // written by the runtime
        // hidden: @Dense(units = 512, activation = RELU), image (784) -> (512)
        // its ReLU in place: hidden is written over hidden.z, and relu' is read from it
        backend.denseForward(HIDDEN_ACTIVATION, batch, 784, 512, a, batch * IMAGE, p, HIDDEN_KERNEL,
                p, HIDDEN_BIAS, a, batch * HIDDEN_Z, a, batch * HIDDEN);
        // dropout: @Dropout(rate = 0.2), hidden (512) -> (512)
        if (training) {
            backend.dropout(DROPOUT_RATE, dropoutSeed(2), step(), batch * 512, a, batch * HIDDEN,
                    a, batch * DROPOUT);
        } else {
            backend.copy(a, batch * HIDDEN, a, batch * DROPOUT, batch * 512);
        }
        // output: @Dense(units = 10, activation = SOFTMAX), dropout (512) -> (10)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 512, 10, a, batch * DROPOUT,
                p, OUTPUT_KERNEL, p, OUTPUT_BIAS, a, batch * OUTPUT_Z, a, batch * OUTPUT);
    }

    @Override
    protected void backward(int batch, boolean outputGradientFused) {
        Memory p = parameters();
        Memory g = gradients();
        Memory a = activations();
        Memory d = activationGradients();
        // output: @Dense(units = 10, activation = SOFTMAX), dropout (512) -> (10)
        if (!outputGradientFused) {
            backend.activationBackward(OUTPUT_ACTIVATION, batch, 10, a, batch * OUTPUT_Z,
                    a, batch * OUTPUT, d, batch * Gradients.OUTPUT, d, batch * Gradients.OUTPUT_Z);
        }
        backend.denseParameterGradients(batch, 512, 10, a, batch * DROPOUT,
                d, batch * Gradients.OUTPUT_Z, g, OUTPUT_KERNEL, g, OUTPUT_BIAS);
        backend.matmul(false, true, batch, 512, 10, d, batch * Gradients.OUTPUT_Z, p, OUTPUT_KERNEL,
                d, batch * Gradients.DROPOUT, false);
        gradientsFinal(OUTPUT_KERNEL);
        // dropout: @Dropout(rate = 0.2), hidden (512) -> (512)
        backend.dropoutBackward(DROPOUT_RATE, dropoutSeed(2), step(), batch * 512,
                d, batch * Gradients.DROPOUT, d, batch * Gradients.HIDDEN);
        // hidden: @Dense(units = 512, activation = RELU), image (784) -> (512)
        // its ReLU in place: hidden is written over hidden.z, and relu' is read from it
        backend.activationBackward(HIDDEN_ACTIVATION, batch, 512, a, batch * HIDDEN_Z,
                a, batch * HIDDEN, d, batch * Gradients.HIDDEN, d, batch * Gradients.HIDDEN_Z);
        backend.denseParameterGradients(batch, 784, 512, a, batch * IMAGE,
                d, batch * Gradients.HIDDEN_Z, g, HIDDEN_KERNEL, g, HIDDEN_BIAS);
        gradientsFinal(HIDDEN_KERNEL);
        // image: @Input(shape = 784) -> (784)
        // an input: no gradient
    }

    @Override
    protected void infer(int batch) {
        Memory p = parameters();
        Memory a = activations();
        // image: @Input(shape = 784) -> (784)
        // written by the runtime
        // hidden: @Dense(units = 512, activation = RELU), image (784) -> (512)
        // its ReLU in place: hidden is written over hidden.z, and relu' is read from it
        backend.denseForward(HIDDEN_ACTIVATION, batch, 784, 512, a, batch * Inference.IMAGE,
                p, HIDDEN_KERNEL, p, HIDDEN_BIAS, a, batch * Inference.HIDDEN_Z,
                a, batch * Inference.HIDDEN);
        // dropout: @Dropout(rate = 0.2), hidden (512) -> (512)
        backend.copy(a, batch * Inference.HIDDEN, a, batch * Inference.DROPOUT, batch * 512);
        // output: @Dense(units = 10, activation = SOFTMAX), dropout (512) -> (10)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 512, 10, a, batch * Inference.DROPOUT,
                p, OUTPUT_KERNEL, p, OUTPUT_BIAS, a, batch * Inference.OUTPUT_Z,
                a, batch * Inference.OUTPUT);
    }

    /**
     * The arena of {@code infer}, the forward pass of a prediction and an evaluation: 1296 values per
     * sample, each tensor's offset per sample named as in the training arena. A tensor's memory is
     * reused once no later layer reads it; aliases share their tensor's offset.
     */
    private static final class Inference {
        static final int IMAGE = 0;

        static final int HIDDEN_Z = 784;

        static final int HIDDEN = HIDDEN_Z;

        static final int DROPOUT = 0;

        static final int OUTPUT_Z = 512;

        static final int OUTPUT = 0;

        private Inference() {
        }
    }

    /**
     * The arena of the activations' gradients in {@code backward}: 1044 values per sample, each tensor's
     * gradient's offset per sample named as the tensor. A gradient's memory is reused once no later
     * backward op reads it; aliases share their tensor's offset.
     */
    private static final class Gradients {
        static final int HIDDEN_Z = 532;

        static final int HIDDEN = HIDDEN_Z;

        static final int DROPOUT = 20;

        static final int OUTPUT_Z = 10;

        static final int OUTPUT = 0;

        private Gradients() {
        }
    }
}
