package dev.annonet.runtime;

import dev.annonet.contract.Initializer;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Memory;

/**
 * A one-layer model scheduled by hand as the processor schedules
 * {@code @Input(in) x → @Dense(units, activation, useBias) out}, with its weights trainable or
 * fixed in the declaration (the course's perceptrons). Tests use it for the losses that do not fuse
 * with softmax, for fixed weights and for a layer without bias.
 *
 * <p>Arena, per sample: x [0, in), out.z, out.y (out.y is out.z itself for LINEAR).
 * Parameters: out.kernel (in×units), then out.bias.
 */
final class HandScheduledDense extends Model {
    private final ActivationFunction activation;
    private final int in;
    private final int units;
    private final boolean useBias;
    private final boolean trainable;
    private final DenseLayer outLayer = denseLayer("out");

    private HandScheduledDense(NetworkLayout layout, Device device, long seed, ActivationFunction activation,
                               int in, int units, boolean useBias, boolean trainable) {
        super(layout, device, seed);
        this.activation = activation;
        this.in = in;
        this.units = units;
        this.useBias = useBias;
        this.trainable = trainable;
    }

    private HandScheduledDense(Twin twin, HandScheduledDense source) {
        super(twin);
        this.activation = source.activation;
        this.in = source.in;
        this.units = source.units;
        this.useBias = source.useBias;
        this.trainable = source.trainable;
    }

    /** Trainable weights, Keras's initialization. */
    static HandScheduledDense create(Device device, long seed, int in, int units, ActivationFunction activation, boolean useBias) {
        return create(device, seed, in, units, activation, useBias, null, null);
    }

    /** Weights fixed to {@code kernel} and {@code bias}. */
    static HandScheduledDense fixed(Device device, ActivationFunction activation, int in, int units, float[] kernel, float[] bias) {
        return create(device, 0, in, units, activation, true, kernel, bias);
    }

    private static HandScheduledDense create(Device device, long seed, int in, int units, ActivationFunction activation,
                                             boolean useBias, float[] kernel, float[] bias) {
        boolean linear = activation.kind() == Activation.Kind.LINEAR;
        int z = in;
        int y = linear ? z : z + units;
        NetworkLayout.Builder builder = NetworkLayout.builder("HandScheduledDense")
                .input("x", 0, in)
                .output("out", y, activation.kind(), z, units)
                .activationSize(y + units)
                .layer("x", "InputLayer", new int[] {in}, 0, 0)
                .layer("out", "Dense", new int[] {units}, (long) in * units + (useBias ? units : 0), (long) in * units + (useBias ? units : 0));
        if (kernel == null) {
            builder.trainable("out.kernel", 0, Initializer.glorotUniform(in, units), in, units);
            if (useBias) {
                builder.trainable("out.bias", in * units, Initializer.zeros(), units);
            }
        } else {
            builder.fixed("out.kernel", 0, kernel, in, units).fixed("out.bias", in * units, bias, units);
        }
        return new HandScheduledDense(builder.build(), device, seed, activation, in, units, useBias, kernel == null);
    }

    public DenseLayer out() {
        return outLayer;
    }

    public float[] predict(float[] x) {
        return predictSample(x);
    }

    @Override
    protected Model twin(Twin twin) {
        return new HandScheduledDense(twin, this);
    }

    private int outputOffset() {
        return activation.kind() == Activation.Kind.LINEAR ? in : in + units;
    }

    @Override
    protected void forward(int batch, boolean training) {
        Memory p = parameters();
        Memory a = activations();
        backend.denseForward(activation, batch, in, units, a, 0, p, 0, useBias ? p : null, in * units, a, batch * in,
                a, batch * outputOffset());
    }

    @Override
    protected void backward(int batch, boolean outputGradientFused) {
        if (!trainable) {
            return;
        }
        Memory a = activations();
        Memory d = activationGradients();
        if (!outputGradientFused) {
            backend.activationBackward(activation, batch, units, a, batch * in, a, batch * outputOffset(),
                    d, batch * outputOffset(), d, batch * in);
        }
        if (useBias) {
            backend.denseParameterGradients(batch, in, units, a, 0, d, batch * in, gradients(), 0, gradients(), in * units);
        } else {
            backend.matmul(true, false, in, units, batch, a, 0, d, batch * in, gradients(), 0, false);
        }
    }
}
