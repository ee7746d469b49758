package example;

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
 * The model of {@link PerceptronOr}, written by the annonet processor: its memory layout and its
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
public final class PerceptronOrModel extends Model implements PerceptronOr {
    /**
     * x: 2 values per sample.
     */
    private static final int X = 0;

    /**
     * or.z: 1 values per sample.
     */
    private static final int OR_Z = 2;

    /**
     * or: 1 values per sample.
     */
    private static final int OR = 3;

    /**
     * or.kernel (2, 1), fixed.
     */
    private static final int OR_KERNEL = 0;

    /**
     * or.bias (1), fixed.
     */
    private static final int OR_BIAS = 2;

    private static final ActivationFunction OR_ACTIVATION = ActivationFunction.heaviside(0.0);

    /**
     * Every parameter (Keras's "Total params"), as {@link #parameterCount()} counts them.
     */
    public static final long PARAMETER_COUNT = 3L;

    /**
     * The parameters the optimizer changes, as {@link #trainableParameterCount()} counts them.
     */
    public static final long TRAINABLE_PARAMETER_COUNT = 0L;

    /**
     * Fixed parameters and moving statistics, as {@link #nonTrainableParameterCount()} counts them.
     */
    public static final long NON_TRAINABLE_PARAMETER_COUNT = 3L;

    /**
     * Values allocated per sample of a training batch: the activations, the arena of their gradients,
     * the targets and the loss's weights.
     */
    public static final long TRAINING_VALUES_PER_SAMPLE = 8L;

    /**
     * The most values allocated per sample of a prediction batch: the activations with the whole
     * convolution scratch (a backend that convolves without im2col allocates less of it).
     */
    public static final long PREDICTION_VALUES_PER_SAMPLE = 3L;

    /**
     * Values allocated when the model is created: the parameters and the trainable ones' gradients
     * (compile adds the optimizer's state).
     */
    public static final long MODEL_VALUES = 3L;

    private static final NetworkLayout LAYOUT = NetworkLayout.builder("PerceptronOr")
            .input("x", X, 2)
            .output("or", OR, Activation.Kind.HEAVISIDE, OR_Z, 1)
            .activationSize(4)
            .inference(3, new int[] {Inference.X}, new int[] {Inference.OR},
                    new int[] {Inference.OR_Z})
            .gradients(2, new int[] {Gradients.OR}, new int[] {Gradients.OR_Z})
            .fixed("or.kernel", OR_KERNEL, new float[] {1.0f, 1.0f}, 2, 1)
            .fixed("or.bias", OR_BIAS, new float[] {-0.5f}, 1)
            .layer("x", "InputLayer", new int[] {2}, 0, 0L)
            .layer("or", "Dense", new int[] {1}, 3, 3L)
            .cudaKernels(PerceptronOrCudaKernels::new)
            .build();

    private final DenseLayer orLayer = denseLayer("or");

    private PerceptronOrModel(Device device, long seed) {
        super(LAYOUT, device, seed);
    }

    private PerceptronOrModel(Model.Twin twin) {
        super(twin);
    }

    /**
     * Creates the model on {@code device}, its trainable weights initialized from {@code seed}.
     */
    public static PerceptronOrModel create(Device device, long seed) {
        return new PerceptronOrModel(device, seed);
    }

    /**
     * This network over this model's parameters, for a predictor.
     */
    @Override
    protected PerceptronOrModel twin(Model.Twin twin) {
        return new PerceptronOrModel(twin);
    }

    /**
     * x: {@code @Input(shape = 2)}, output shape (2).
     */
    @Override
    public Layer x() {
        return layer("x");
    }

    /**
     * or: {@code @Dense(units = 1, activation = HEAVISIDE, kernel = {1, 1}, bias = -0.5)}, output shape (1).
     */
    @Override
    public DenseLayer or() {
        return orLayer;
    }

    /**
     * Predicts one sample.
     *
     * @param x one sample of {@code x}, shape (2), its values in row-major order
     * @return the output {@code or}, shape (1), its values in row-major order
     */
    public float[] predict(float[] x) {
        return predictSample(x);
    }

    @Override
    protected void forward(int batch, boolean training) {
        Memory p = parameters();
        Memory a = activations();
        // x: @Input(shape = 2) -> (2)
        // written by the runtime
        // or: @Dense(units = 1, activation = HEAVISIDE, kernel = {1, 1}, bias = -0.5), x (2) -> (1)
        backend.denseForward(OR_ACTIVATION, batch, 2, 1, a, batch * X, p, OR_KERNEL, p, OR_BIAS,
                a, batch * OR_Z, a, batch * OR);
    }

    @Override
    protected void backward(int batch, boolean outputGradientFused) {
        // or: @Dense(units = 1, activation = HEAVISIDE, kernel = {1, 1}, bias = -0.5), x (2) -> (1)
        // no trainable weights before it: no gradient
        // x: @Input(shape = 2) -> (2)
        // an input: no gradient
    }

    @Override
    protected void infer(int batch) {
        Memory p = parameters();
        Memory a = activations();
        // x: @Input(shape = 2) -> (2)
        // written by the runtime
        // or: @Dense(units = 1, activation = HEAVISIDE, kernel = {1, 1}, bias = -0.5), x (2) -> (1)
        backend.denseForward(OR_ACTIVATION, batch, 2, 1, a, batch * Inference.X, p, OR_KERNEL,
                p, OR_BIAS, a, batch * Inference.OR_Z, a, batch * Inference.OR);
    }

    /**
     * The arena of {@code infer}, the forward pass of a prediction and an evaluation: 3 values per
     * sample, each tensor's offset per sample named as in the training arena. A tensor's memory is
     * reused once no later layer reads it; aliases share their tensor's offset.
     */
    private static final class Inference {
        static final int X = 0;

        static final int OR_Z = 2;

        static final int OR = 0;

        private Inference() {
        }
    }

    /**
     * The arena of the activations' gradients in {@code backward}: 2 values per sample, each tensor's
     * gradient's offset per sample named as the tensor. A gradient's memory is reused once no later
     * backward op reads it; aliases share their tensor's offset.
     */
    private static final class Gradients {
        static final int OR_Z = 1;

        static final int OR = 0;

        private Gradients() {
        }
    }
}
