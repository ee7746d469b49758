package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertValues;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

/** Activations on the reference backend against hand-computed values (gradients: {@link DenseKernelsTest}). */
class ActivationKernelsTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    private double[] forward(ActivationFunction f, int cols, double... z) {
        Memory y = backend.allocate(z.length);
        backend.biasActivation(f, z.length / cols, cols, memory(backend, z), 0, null, 0, y, 0);
        return values(y);
    }

    @Test
    void elementWiseKinds() {
        assertValues(new double[] {0, 0, 3}, forward(ActivationFunction.of(Activation.Kind.RELU), 3, -1, 0, 3), "relu");
        assertValues(new double[] {0.5, 0.8807970779778823},
                forward(ActivationFunction.of(Activation.Kind.SIGMOID), 2, 0, 2), "sigmoid");
        assertValues(new double[] {-0.7615941559557649, 0},
                forward(ActivationFunction.of(Activation.Kind.TANH), 2, -1, 0), "tanh");
        assertValues(new double[] {0, 1, 1}, forward(ActivationFunction.heaviside(0.5), 3, 0.2, 0.5, 0.7), "heaviside");
        assertValues(new double[] {0, -1, 0.5, 0},
                forward(ActivationFunction.thresholdedLinear(-1, 1), 4, -2, -1, 0.5, 1.5), "thresholded linear");
    }

    /** Keras's ReLU layer on the examples of its documentation. */
    @Test
    void reluWithMaximumSlopeAndThreshold() {
        assertValues(new double[] {0, 0, 0, 1}, forward(ActivationFunction.relu(1, 0, 0), 4, -3, -1, 0, 2), "max_value=1");
        assertValues(new double[] {-3, -1, 0, 2},
                forward(ActivationFunction.relu(Double.POSITIVE_INFINITY, 1, 0), 4, -3, -1, 0, 2), "negative_slope=1");
        assertValues(new double[] {0, 0, 0, 2},
                forward(ActivationFunction.relu(Double.POSITIVE_INFINITY, 0, 1.5), 4, -3, -1, 1, 2), "threshold=1.5");
        assertValues(new double[] {-5, -2.5, 0, 5, 10},
                forward(ActivationFunction.relu(10, 0.5, 0), 5, -10, -5, 0, 5, 10), "max_value=10, negative_slope=0.5");
        assertValues(new double[] {0, 6, 6}, forward(ActivationFunction.relu(6, 0, 0), 3, Double.NEGATIVE_INFINITY, 6,
                Double.POSITIVE_INFINITY), "ReLU6 at the infinities");
    }

    /** TensorFlow's gradient: the slope below the threshold, 0 at it, 1 above it, 0 from the maximum up. */
    @Test
    void reluBackwardWithMaximumSlopeAndThreshold() {
        Memory z = memory(backend, -1, 1, 3, 6, 7);
        Memory dy = memory(backend, 1, 1, 1, 1, 1);
        Memory dz = backend.allocate(5);
        backend.activationBackward(ActivationFunction.relu(6, 0.2, 1), 1, 5, z, 0, z, 0, dy, 0, dz, 0);
        assertValues(new double[] {0.2, 0, 1, 0, 0}, values(dz), "relu(6, 0.2, 1) backward");
    }

    @Test
    void softmaxNormalizesEachRowWithoutOverflow() {
        double[] y = forward(ActivationFunction.of(Activation.Kind.SOFTMAX), 3, 1000, 1001, 1002, -1000, -1000, -1000);
        double third = 1.0 / 3;
        assertValues(new double[] {0.09003057317038046, 0.24472847105479767, 0.6652409557748219, third, third, third},
                y, "softmax");
    }

    @Test
    void softmaxBackwardIsTheJacobianProductAndMayOverwriteDy() {
        Memory y = memory(backend, 0.2, 0.3, 0.5);
        Memory dy = memory(backend, 1, 2, 3);
        // dy·y = 2.3, dz = y ⊙ (dy - 2.3)
        backend.activationBackward(ActivationFunction.of(Activation.Kind.SOFTMAX), 1, 3, y, 0, y, 0, dy, 0, dy, 0);
        assertValues(new double[] {-0.26, -0.09, 0.35}, values(dy), "softmax backward");
    }

    @Test
    void elementWiseBackward() {
        Memory z = memory(backend, -1, 2);
        Memory y = memory(backend, 0.25, 0.5);
        Memory dy = memory(backend, 5, 6);
        Memory dz = backend.allocate(2);
        backend.activationBackward(ActivationFunction.of(Activation.Kind.RELU), 1, 2, z, 0, z, 0, dy, 0, dz, 0);
        assertValues(new double[] {0, 6}, values(dz), "relu backward");
        backend.activationBackward(ActivationFunction.of(Activation.Kind.SIGMOID), 1, 2, z, 0, y, 0, dy, 0, dz, 0);
        assertValues(new double[] {5 * 0.1875, 6 * 0.25}, values(dz), "sigmoid backward from y");
        backend.activationBackward(ActivationFunction.heaviside(0), 1, 2, z, 0, y, 0, dy, 0, dz, 0);
        assertValues(new double[] {0, 0}, values(dz), "heaviside has no gradient");
    }
}
