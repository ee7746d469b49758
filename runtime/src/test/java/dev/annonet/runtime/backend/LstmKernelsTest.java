package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertClose;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The LSTM kernels on the reference backend: one step by hand, then gradients against finite differences. */
class LstmKernelsTest {
    private final Backend backend = CheckedBackend.wrap(new ReferenceBackend());
    private final Random random = new Random(11);

    /** One unit, one step, one input: every gate written out as Keras computes it. */
    @Test
    void oneStepIsKerasFormula() {
        double x = 0.7;
        // kernel (1, 4): i, f, c, o; recurrent kernel (1, 4) (unused at step 0); bias (4)
        Memory weights = memory(backend, 0.5, -0.3, 0.8, 0.2, 9, 9, 9, 9, 0.1, 1.0, -0.2, 0.05);
        Memory workspace = backend.allocate(RecurrentKernels.lstmWorkspaceSize(1, 1));
        Memory y = backend.allocate(1);
        backend.lstm(1, 1, 1, 1, false, memory(backend, x), 0, weights, 0, workspace, 0, y, 0);
        double i = sigmoid(0.5 * x + 0.1);
        double g = Math.tanh(0.8 * x - 0.2);
        double o = sigmoid(0.2 * x + 0.05);
        double c = i * g; // the forget gate multiplies a zero initial state
        assertClose(new double[] {o * Math.tanh(c)}, values(y), 1e-12, "h");
    }

    /** Two steps of one unit: the second reads h and c of the first. */
    @Test
    void secondStepUsesTheFirstStepsState() {
        double[] x = {0.7, -0.4};
        Memory weights = memory(backend, 0.5, -0.3, 0.8, 0.2, 0.6, -0.9, 0.4, 0.3, 0.1, 1.0, -0.2, 0.05);
        Memory workspace = backend.allocate(RecurrentKernels.lstmWorkspaceSize(2, 1));
        Memory y = backend.allocate(2);
        backend.lstm(1, 2, 1, 1, true, memory(backend, x), 0, weights, 0, workspace, 0, y, 0);
        double h = 0;
        double c = 0;
        double[] expected = new double[2];
        for (int t = 0; t < 2; t++) {
            double i = sigmoid(0.5 * x[t] + 0.6 * h + 0.1);
            double f = sigmoid(-0.3 * x[t] - 0.9 * h + 1.0);
            double g = Math.tanh(0.8 * x[t] + 0.4 * h - 0.2);
            double o = sigmoid(0.2 * x[t] + 0.3 * h + 0.05);
            c = f * c + i * g;
            h = o * Math.tanh(c);
            expected[t] = h;
        }
        assertClose(expected, values(y), 1e-12, "h of each step");
    }

    @ParameterizedTest(name = "returnSequences={0}")
    @ValueSource(booleans = {false, true})
    void gradientsMatchFiniteDifferences(boolean returnSequences) {
        int batch = 2;
        int steps = 3;
        int inputs = 3;
        int units = 2;
        Layer layer = new Layer(batch, steps, inputs, units, returnSequences);
        Memory x = memory(backend, uniform(random, batch * steps * inputs, -1, 1));
        Memory upstream = memory(backend, uniform(random, layer.outputSize(), -1, 1));
        DoubleSupplier objective = () -> {
            layer.forward(x);
            return TestData.dot(values(layer.y), values(upstream));
        };
        objective.getAsDouble();
        Memory dx = backend.allocate(batch * steps * inputs);
        layer.backward(x, upstream, dx);
        GradientCheck.assertGradient("weights", objective, values(layer.weights), values(layer.dWeights));
        GradientCheck.assertGradient("input", objective, values(x), values(dx));
    }

    /** LSTM(returnSequences) → LSTM: the second layer's input gradient is the first one's upstream. */
    @Test
    void stackedLayersGradientsMatchFiniteDifferences() {
        int batch = 2;
        int steps = 4;
        int inputs = 2;
        Layer first = new Layer(batch, steps, inputs, 3, true);
        Layer second = new Layer(batch, steps, 3, 2, false);
        Memory x = memory(backend, uniform(random, batch * steps * inputs, -1, 1));
        Memory upstream = memory(backend, uniform(random, second.outputSize(), -1, 1));
        DoubleSupplier objective = () -> {
            first.forward(x);
            second.forward(first.y);
            return TestData.dot(values(second.y), values(upstream));
        };
        objective.getAsDouble();
        Memory dFirst = backend.allocate(first.outputSize());
        Memory dx = backend.allocate(batch * steps * inputs);
        second.backward(first.y, upstream, dFirst);
        first.backward(x, dFirst, dx);
        GradientCheck.assertGradient("second weights", objective, values(second.weights), values(second.dWeights));
        GradientCheck.assertGradient("first weights", objective, values(first.weights), values(first.dWeights));
        GradientCheck.assertGradient("input", objective, values(x), values(dx));
    }

    @Test
    void backwardOverwritesStaleGradients() {
        Layer layer = new Layer(2, 3, 2, 2, true);
        Memory x = memory(backend, uniform(random, 12, -1, 1));
        Memory upstream = memory(backend, uniform(random, layer.outputSize(), -1, 1));
        layer.forward(x);
        layer.backward(x, upstream, null);
        double[] first = values(layer.dWeights).clone();
        java.util.Arrays.fill(values(layer.dWorkspace), 123);
        layer.backward(x, upstream, null);
        assertClose(first, values(layer.dWeights), 1e-12, "a second backward");
    }

    @Test
    void workspaceTooSmallIsRefused() {
        Memory workspace = backend.allocate(RecurrentKernels.lstmWorkspaceSize(3, 2) * 2 - 1);
        assertThrows(IndexOutOfBoundsException.class, () -> backend.lstm(2, 3, 1, 2, false,
                backend.allocate(6), 0, backend.allocate(RecurrentKernels.lstmWeightCount(1, 2)), 0,
                workspace, 0, backend.allocate(4), 0));
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** One LSTM layer's memories, its weights random and small enough that no gate saturates. */
    private final class Layer {
        final int batch;
        final int steps;
        final int inputs;
        final int units;
        final boolean returnSequences;
        final Memory weights;
        final Memory dWeights;
        final Memory workspace;
        final Memory dWorkspace;
        final Memory y;

        Layer(int batch, int steps, int inputs, int units, boolean returnSequences) {
            this.batch = batch;
            this.steps = steps;
            this.inputs = inputs;
            this.units = units;
            this.returnSequences = returnSequences;
            int count = RecurrentKernels.lstmWeightCount(inputs, units);
            this.weights = memory(backend, uniform(random, count, -0.8, 0.8));
            this.dWeights = backend.allocate(count);
            this.workspace = backend.allocate(batch * RecurrentKernels.lstmWorkspaceSize(steps, units));
            this.dWorkspace = backend.allocate(batch * RecurrentKernels.lstmWorkspaceSize(steps, units));
            this.y = backend.allocate(outputSize());
        }

        int outputSize() {
            return batch * (returnSequences ? steps : 1) * units;
        }

        void forward(Memory x) {
            backend.lstm(batch, steps, inputs, units, returnSequences, x, 0, weights, 0, workspace, 0, y, 0);
        }

        void backward(Memory x, Memory dy, Memory dx) {
            backend.lstmBackward(batch, steps, inputs, units, returnSequences, x, 0, weights, 0, workspace, 0,
                    dy, 0, dWeights, 0, dWorkspace, 0, dx, 0);
        }
    }
}
