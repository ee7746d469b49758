package example;

import dev.annonet.contract.Initializer;
import dev.annonet.contract.RecurrentCell;
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
 * The model of {@link WordsGru}, written by the annonet processor: its memory layout and its
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
public final class WordsGruModel extends Model implements WordsGru {
    /**
     * words: 12 values per sample.
     */
    private static final int WORDS = 0;

    /**
     * embed: 96 values per sample.
     */
    private static final int EMBED = 12;

    /**
     * gru.workspace: 420 values per sample.
     */
    private static final int GRU_WORKSPACE = 108;

    /**
     * gru: 5 values per sample.
     */
    private static final int GRU = 528;

    /**
     * output.z: 1 values per sample.
     */
    private static final int OUTPUT_Z = 533;

    /**
     * output: 1 values per sample.
     */
    private static final int OUTPUT = 534;

    /**
     * embed.embeddings (50, 8), trainable.
     */
    private static final int EMBED_EMBEDDINGS = 0;

    /**
     * gru.kernel (8, 15), trainable.
     */
    private static final int GRU_KERNEL = 400;

    /**
     * gru.recurrent_kernel (5, 15), trainable.
     */
    private static final int GRU_RECURRENT_KERNEL = 520;

    /**
     * gru.bias (2, 15), trainable.
     */
    private static final int GRU_BIAS = 595;

    /**
     * output.kernel (5, 1), trainable.
     */
    private static final int OUTPUT_KERNEL = 625;

    /**
     * output.bias (1), trainable.
     */
    private static final int OUTPUT_BIAS = 630;

    private static final ActivationFunction OUTPUT_ACTIVATION = ActivationFunction.of(Activation.Kind.SIGMOID);

    /**
     * Every parameter (Keras's "Total params"), as {@link #parameterCount()} counts them.
     */
    public static final long PARAMETER_COUNT = 631L;

    /**
     * The parameters the optimizer changes, as {@link #trainableParameterCount()} counts them.
     */
    public static final long TRAINABLE_PARAMETER_COUNT = 631L;

    /**
     * Fixed parameters and moving statistics, as {@link #nonTrainableParameterCount()} counts them.
     */
    public static final long NON_TRAINABLE_PARAMETER_COUNT = 0L;

    /**
     * Values allocated per sample of a training batch: the activations, the arena of their gradients,
     * the targets and the loss's weights.
     */
    public static final long TRAINING_VALUES_PER_SAMPLE = 1060L;

    /**
     * The most values allocated per sample of a prediction batch: the activations with the whole
     * convolution scratch (a backend that convolves without im2col allocates less of it).
     */
    public static final long PREDICTION_VALUES_PER_SAMPLE = 528L;

    /**
     * Values allocated when the model is created: the parameters and the trainable ones' gradients
     * (compile adds the optimizer's state).
     */
    public static final long MODEL_VALUES = 1262L;

    private static final NetworkLayout LAYOUT = NetworkLayout.builder("WordsGru")
            .input("words", WORDS, 12)
            .inputIndices(50)
            .output("output", OUTPUT, Activation.Kind.SIGMOID, OUTPUT_Z, 1)
            .activationSize(535)
            .inference(528, new int[] {Inference.WORDS}, new int[] {Inference.OUTPUT},
                    new int[] {Inference.OUTPUT_Z})
            .gradients(523, new int[] {Gradients.OUTPUT}, new int[] {Gradients.OUTPUT_Z})
            .trainable("embed.embeddings", EMBED_EMBEDDINGS, Initializer.uniform(0.05), 50, 8)
            .trainable("gru.kernel", GRU_KERNEL, Initializer.glorotUniform(8, 15), 8, 15)
            .trainable("gru.recurrent_kernel", GRU_RECURRENT_KERNEL, Initializer.orthogonal(5, 15), 5, 15)
            .trainable("gru.bias", GRU_BIAS, Initializer.zeros(), 2, 15)
            .trainable("output.kernel", OUTPUT_KERNEL, Initializer.glorotUniform(5, 1), 5, 1)
            .trainable("output.bias", OUTPUT_BIAS, Initializer.zeros(), 1)
            .layer("words", "InputLayer", new int[] {12}, 0, 0L)
            .layer("embed", "Embedding", new int[] {12, 8}, 400, 400L)
            .layer("gru", "GRU", new int[] {5}, 225, 2700L)
            .layer("output", "Dense", new int[] {1}, 6, 6L)
            .cudaKernels(WordsGruCudaKernels::new)
            .build();

    private final WeightedLayer embedLayer = weightedLayer("embed");

    private final WeightedLayer gruLayer = weightedLayer("gru");

    private final DenseLayer outputLayer = denseLayer("output");

    private WordsGruModel(Device device, long seed) {
        super(LAYOUT, device, seed);
    }

    private WordsGruModel(Model.Twin twin) {
        super(twin);
    }

    /**
     * Creates the model on {@code device}, its trainable weights initialized from {@code seed}.
     */
    public static WordsGruModel create(Device device, long seed) {
        return new WordsGruModel(device, seed);
    }

    /**
     * This network over this model's parameters, for a predictor.
     */
    @Override
    protected WordsGruModel twin(Model.Twin twin) {
        return new WordsGruModel(twin);
    }

    /**
     * words: {@code @Input(shape = 12)}, output shape (12).
     */
    @Override
    public Layer words() {
        return layer("words");
    }

    /**
     * embed: {@code @Embedding(inputDim = 50, outputDim = 8)}, output shape (12, 8).
     */
    @Override
    public WeightedLayer embed() {
        return embedLayer;
    }

    /**
     * gru: {@code @GRU(units = 5)}, output shape (5).
     */
    @Override
    public WeightedLayer gru() {
        return gruLayer;
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
     * @param words one sample of {@code words}, shape (12), its values in row-major order
     * @return the output {@code output}, shape (1), its values in row-major order
     */
    public float[] predict(float[] words) {
        return predictSample(words);
    }

    @Override
    protected void forward(int batch, boolean training) {
        Memory p = parameters();
        Memory a = activations();
        // words: @Input(shape = 12) -> (12)
        // written by the runtime
        // embed: @Embedding(inputDim = 50, outputDim = 8), words (12) -> (12, 8)
        backend.embedding(batch * 12, 50, 8, a, batch * WORDS, p, EMBED_EMBEDDINGS,
                a, batch * EMBED);
        // gru: @GRU(units = 5), embed (12, 8) -> (5)
        backend.recurrent(RecurrentCell.GRU, batch, 12, 8, 5, false, a, batch * EMBED,
                p, GRU_KERNEL, a, batch * GRU_WORKSPACE, a, batch * GRU);
        // output: @Dense(units = 1, activation = SIGMOID), gru (5) -> (1)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 5, 1, a, batch * GRU, p, OUTPUT_KERNEL,
                p, OUTPUT_BIAS, a, batch * OUTPUT_Z, a, batch * OUTPUT);
    }

    @Override
    protected void backward(int batch, boolean outputGradientFused) {
        Memory p = parameters();
        Memory g = gradients();
        Memory a = activations();
        Memory d = activationGradients();
        // output: @Dense(units = 1, activation = SIGMOID), gru (5) -> (1)
        if (!outputGradientFused) {
            backend.activationBackward(OUTPUT_ACTIVATION, batch, 1, a, batch * OUTPUT_Z,
                    a, batch * OUTPUT, d, batch * Gradients.OUTPUT, d, batch * Gradients.OUTPUT_Z);
        }
        backend.denseParameterGradients(batch, 5, 1, a, batch * GRU, d, batch * Gradients.OUTPUT_Z,
                g, OUTPUT_KERNEL, g, OUTPUT_BIAS);
        backend.matmul(false, true, batch, 5, 1, d, batch * Gradients.OUTPUT_Z, p, OUTPUT_KERNEL,
                d, batch * Gradients.GRU, false);
        gradientsFinal(OUTPUT_KERNEL);
        // gru: @GRU(units = 5), embed (12, 8) -> (5)
        backend.recurrentBackward(RecurrentCell.GRU, batch, 12, 8, 5, false, a, batch * EMBED,
                p, GRU_KERNEL, a, batch * GRU_WORKSPACE, d, batch * Gradients.GRU, g, GRU_KERNEL,
                d, batch * Gradients.GRU_WORKSPACE, d, batch * Gradients.EMBED);
        gradientsFinal(GRU_KERNEL);
        // embed: @Embedding(inputDim = 50, outputDim = 8), words (12) -> (12, 8)
        backend.embeddingBackward(batch * 12, 50, 8, a, batch * WORDS, d, batch * Gradients.EMBED,
                g, EMBED_EMBEDDINGS);
        gradientsFinal(EMBED_EMBEDDINGS);
        // words: @Input(shape = 12) -> (12)
        // an input: no gradient
    }

    @Override
    protected void infer(int batch) {
        Memory p = parameters();
        Memory a = activations();
        // words: @Input(shape = 12) -> (12)
        // written by the runtime
        // embed: @Embedding(inputDim = 50, outputDim = 8), words (12) -> (12, 8)
        backend.embedding(batch * 12, 50, 8, a, batch * Inference.WORDS, p, EMBED_EMBEDDINGS,
                a, batch * Inference.EMBED);
        // gru: @GRU(units = 5), embed (12, 8) -> (5)
        backend.recurrent(RecurrentCell.GRU, batch, 12, 8, 5, false, a, batch * Inference.EMBED,
                p, GRU_KERNEL, a, batch * Inference.GRU_WORKSPACE, a, batch * Inference.GRU);
        // output: @Dense(units = 1, activation = SIGMOID), gru (5) -> (1)
        backend.denseForward(OUTPUT_ACTIVATION, batch, 5, 1, a, batch * Inference.GRU,
                p, OUTPUT_KERNEL, p, OUTPUT_BIAS, a, batch * Inference.OUTPUT_Z,
                a, batch * Inference.OUTPUT);
    }

    /**
     * The arena of {@code infer}, the forward pass of a prediction and an evaluation: 528 values per
     * sample, each tensor's offset per sample named as in the training arena. A tensor's memory is
     * reused once no later layer reads it; aliases share their tensor's offset.
     */
    private static final class Inference {
        static final int WORDS = 0;

        static final int EMBED = 12;

        static final int GRU_WORKSPACE = 108;

        static final int GRU = 0;

        static final int OUTPUT_Z = 5;

        static final int OUTPUT = 0;

        private Inference() {
        }
    }

    /**
     * The arena of the activations' gradients in {@code backward}: 523 values per sample, each tensor's
     * gradient's offset per sample named as the tensor. A gradient's memory is reused once no later
     * backward op reads it; aliases share their tensor's offset.
     */
    private static final class Gradients {
        static final int EMBED = 427;

        static final int GRU_WORKSPACE = 7;

        static final int GRU = 2;

        static final int OUTPUT_Z = 1;

        static final int OUTPUT = 0;

        private Gradients() {
        }
    }
}
