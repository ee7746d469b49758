package dev.annonet.runtime;

import dev.annonet.contract.Initializer;
import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Layer;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Memory;

/**
 * A model scheduled by hand exactly as the processor schedules
 * {@code @Input(784) image → @Dense(512, RELU) hidden → @Dropout(0.2) dropout → @Dense(10, SOFTMAX) output},
 * so the runtime is tested without the processor. Input and hidden sizes are parameters so tests
 * can use small networks.
 *
 * <p>Arena, per sample: image [0, in), hidden.z, hidden.y, dropout.y, output.z, output.y.
 * Parameters: hidden.kernel (in×hidden), hidden.bias, output.kernel (hidden×classes), output.bias.
 */
final class HandScheduledMlp extends Model {
    private static final ActivationFunction HIDDEN_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);
    private static final ActivationFunction OUTPUT_ACTIVATION = ActivationFunction.of(Activation.Kind.SOFTMAX);

    private final int in;
    private final int hidden;
    private final int classes;
    private final double rate;
    private final DenseLayer hiddenLayer = denseLayer("hidden");
    private final DenseLayer outputLayer = denseLayer("output");

    private HandScheduledMlp(NetworkLayout layout, Device device, long seed, int in, int hidden, int classes, double rate) {
        super(layout, device, seed);
        this.in = in;
        this.hidden = hidden;
        this.classes = classes;
        this.rate = rate;
    }

    private HandScheduledMlp(Twin twin, HandScheduledMlp source) {
        super(twin);
        this.in = source.in;
        this.hidden = source.hidden;
        this.classes = source.classes;
        this.rate = source.rate;
    }

    static HandScheduledMlp create(Device device, long seed, int in, int hidden, int classes, double rate) {
        int hz = in, hy = hz + hidden, dy = hy + hidden, oz = dy + hidden, oy = oz + classes;
        int hk = 0, hb = hk + in * hidden, ok = hb + hidden, ob = ok + hidden * classes;
        NetworkLayout layout = NetworkLayout.builder("HandScheduledMlp")
                .input("image", 0, in)
                .output("output", oy, Activation.Kind.SOFTMAX, oz, classes)
                .activationSize(oy + classes)
                .trainable("hidden.kernel", hk, Initializer.glorotUniform(in, hidden), in, hidden)
                .trainable("hidden.bias", hb, Initializer.zeros(), hidden)
                .trainable("output.kernel", ok, Initializer.glorotUniform(hidden, classes), hidden, classes)
                .trainable("output.bias", ob, Initializer.zeros(), classes)
                .layer("image", "InputLayer", new int[] {in}, 0, 0)
                .layer("hidden", "Dense", new int[] {hidden}, (long) in * hidden + hidden, (long) in * hidden + hidden)
                .layer("dropout", "Dropout", new int[] {hidden}, 0, 0)
                .layer("output", "Dense", new int[] {classes}, (long) hidden * classes + classes, (long) hidden * classes + classes)
                .build();
        return new HandScheduledMlp(layout, device, seed, in, hidden, classes, rate);
    }

    @Override
    protected Model twin(Twin twin) {
        return new HandScheduledMlp(twin, this);
    }

    public DenseLayer hidden() {
        return hiddenLayer;
    }

    public DenseLayer output() {
        return outputLayer;
    }

    public Layer image() {
        return layer("image");
    }

    public float[] predict(float[] image) {
        return predictSample(image);
    }

    @Override
    protected void forward(int batch, boolean training) {
        Memory p = parameters();
        Memory a = activations();
        int hz = in, hy = hz + hidden, dy = hy + hidden, oz = dy + hidden, oy = oz + classes;
        int hb = in * hidden, ok = hb + hidden, ob = ok + hidden * classes;
        // hidden: @Dense(units = hidden, activation = RELU), image (in) -> (hidden)
        backend.denseForward(HIDDEN_ACTIVATION, batch, in, hidden, a, 0, p, 0, p, hb, a, batch * hz, a, batch * hy);
        // dropout: @Dropout(rate), identity at inference
        if (training) {
            backend.dropout(rate, dropoutSeed(2), step(), batch * hidden, a, batch * hy, a, batch * dy);
        } else {
            backend.copy(a, batch * hy, a, batch * dy, batch * hidden);
        }
        // output: @Dense(units = classes, activation = SOFTMAX)
        backend.denseForward(OUTPUT_ACTIVATION, batch, hidden, classes, a, batch * dy, p, ok, p, ob, a, batch * oz, a, batch * oy);
    }

    @Override
    protected void backward(int batch, boolean outputGradientFused) {
        Memory p = parameters();
        Memory g = gradients();
        Memory a = activations();
        Memory d = activationGradients();
        int hz = in, hy = hz + hidden, dy = hy + hidden, oz = dy + hidden, oy = oz + classes;
        int hb = in * hidden, ok = hb + hidden, ob = ok + hidden * classes;
        // output: d(output.z) from d(output.y), unless the loss already gave it (softmax + cross-entropy)
        if (!outputGradientFused) {
            backend.activationBackward(OUTPUT_ACTIVATION, batch, classes, a, batch * oz, a, batch * oy, d, batch * oy, d, batch * oz);
        }
        backend.denseParameterGradients(batch, hidden, classes, a, batch * dy, d, batch * oz, g, ok, g, ob);
        backend.matmul(false, true, batch, hidden, classes, d, batch * oz, p, ok, d, batch * dy, false);
        // dropout
        backend.dropoutBackward(rate, dropoutSeed(2), step(), batch * hidden, d, batch * dy, d, batch * hy);
        // hidden
        backend.activationBackward(HIDDEN_ACTIVATION, batch, hidden, a, batch * hz, a, batch * hy, d, batch * hy, d, batch * hz);
        backend.denseParameterGradients(batch, in, hidden, a, 0, d, batch * hz, g, 0, g, hb);
        // image: an input, no gradient
    }
}
