package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertClose;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recurrent kernels on the reference backend: an LSTM's and a GRU's steps by hand, then every
 * cell's gradients against finite differences.
 */
class RecurrentKernelsTest {
    private final ReferenceBackend backend = new ReferenceBackend();
    private final Random random = new Random(11);

    /** One unit, one step, one input: every gate written out as Keras computes it. */
    @Test
    void lstmStepIsKerasFormula() {
        double x = 0.7;
        // kernel (1, 4): i, f, c, o; recurrent kernel (1, 4) (unused at step 0); bias (4)
        Memory weights = memory(backend, 0.5, -0.3, 0.8, 0.2, 9, 9, 9, 9, 0.1, 1.0, -0.2, 0.05);
        Memory workspace = backend.allocate(RecurrentCell.LSTM.workspaceSize(1, 1));
        Memory y = backend.allocate(1);
        backend.recurrent(RecurrentCell.LSTM, 1, 1, 1, 1, false, memory(backend, x), 0, weights, 0, workspace, 0, y, 0);
        double i = sigmoid(0.5 * x + 0.1);
        double g = Math.tanh(0.8 * x - 0.2);
        double o = sigmoid(0.2 * x + 0.05);
        double c = i * g; // the forget gate multiplies a zero initial state
        assertClose(new double[] {o * Math.tanh(c)}, values(y), 1e-12, "h");
    }

    /** Two steps of one unit: the second reads h and c of the first. */
    @Test
    void lstmSecondStepUsesTheFirstStepsState() {
        double[] x = {0.7, -0.4};
        Memory weights = memory(backend, 0.5, -0.3, 0.8, 0.2, 0.6, -0.9, 0.4, 0.3, 0.1, 1.0, -0.2, 0.05);
        Memory workspace = backend.allocate(RecurrentCell.LSTM.workspaceSize(2, 1));
        Memory y = backend.allocate(2);
        backend.recurrent(RecurrentCell.LSTM, 1, 2, 1, 1, true, memory(backend, x), 0, weights, 0, workspace, 0, y, 0);
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

    /**
     * Two GRU steps of one unit, as Keras's GRU (reset_after = true) computes them: the reset gate
     * multiplies the recurrent product plus its bias, and the first step's h' is zero.
     */
    @Test
    void gruStepsAreKerasFormula() {
        double[] x = {0.7, -0.4};
        // kernel (1, 3): z, r, h; recurrent kernel (1, 3); bias (2, 3): input bias, recurrent bias
        double[] kernel = {0.5, -0.3, 0.8};
        double[] recurrentKernel = {0.6, -0.9, 0.4};
        double[] inputBias = {0.1, 0.2, -0.2};
        double[] recurrentBias = {-0.15, 0.05, 0.3};
        Memory weights = memory(backend, Stream.of(kernel, recurrentKernel, inputBias, recurrentBias)
                .flatMapToDouble(Arrays::stream).toArray());
        Memory workspace = backend.allocate(RecurrentCell.GRU.workspaceSize(2, 1));
        Memory y = backend.allocate(2);
        backend.recurrent(RecurrentCell.GRU, 1, 2, 1, 1, true, memory(backend, x), 0, weights, 0, workspace, 0, y, 0);
        double h = 0;
        double[] expected = new double[2];
        for (int t = 0; t < 2; t++) {
            double z = sigmoid(kernel[0] * x[t] + inputBias[0] + recurrentKernel[0] * h + recurrentBias[0]);
            double r = sigmoid(kernel[1] * x[t] + inputBias[1] + recurrentKernel[1] * h + recurrentBias[1]);
            double candidate = Math.tanh(kernel[2] * x[t] + inputBias[2] + r * (recurrentKernel[2] * h + recurrentBias[2]));
            h = z * h + (1 - z) * candidate;
            expected[t] = h;
        }
        assertClose(expected, values(y), 1e-12, "h of each step");
    }

    @ParameterizedTest(name = "{0}, returnSequences={1}")
    @MethodSource("dev.annonet.runtime.backend.TestData#recurrentCells")
    void gradientsMatchFiniteDifferences(RecurrentCell cell, boolean returnSequences) {
        int batch = 2;
        int steps = 3;
        int inputs = 3;
        int units = 2;
        Layer layer = new Layer(cell, batch, steps, inputs, units, returnSequences);
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

    /** A layer returning its sequence → another: the second layer's input gradient is the first one's upstream. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(RecurrentCell.class)
    void stackedLayersGradientsMatchFiniteDifferences(RecurrentCell cell) {
        int batch = 2;
        int steps = 4;
        int inputs = 2;
        Layer first = new Layer(cell, batch, steps, inputs, 3, true);
        Layer second = new Layer(cell, batch, steps, 3, 2, false);
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

    @ParameterizedTest(name = "{0}")
    @EnumSource(RecurrentCell.class)
    void backwardOverwritesStaleGradients(RecurrentCell cell) {
        Layer layer = new Layer(cell, 2, 3, 2, 2, true);
        Memory x = memory(backend, uniform(random, 12, -1, 1));
        Memory upstream = memory(backend, uniform(random, layer.outputSize(), -1, 1));
        layer.forward(x);
        layer.backward(x, upstream, null);
        double[] first = values(layer.dWeights).clone();
        Arrays.fill(values(layer.dWorkspace), 123);
        layer.backward(x, upstream, null);
        assertClose(first, values(layer.dWeights), 1e-12, "a second backward");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(RecurrentCell.class)
    void workspaceTooSmallIsRefused(RecurrentCell cell) {
        Memory workspace = backend.allocate(cell.workspaceSize(3, 2) * 2 - 1);
        IndexOutOfBoundsException refused = assertThrows(IndexOutOfBoundsException.class, () -> backend.recurrent(cell,
                2, 3, 1, 2, false, backend.allocate(6), 0, backend.allocate(cell.weightCount(1, 2)), 0, workspace, 0,
                backend.allocate(4), 0));
        assertTrue(refused.getMessage().contains("workspace"), refused.getMessage());
    }

    /** The weights of an LSTM are too few for a GRU of more units: refused, naming them. */
    @Test
    void weightsTooFewForTheCellAreRefused() {
        Memory weights = backend.allocate(RecurrentCell.GRU.weightCount(1, 2) - 1);
        IndexOutOfBoundsException refused = assertThrows(IndexOutOfBoundsException.class, () -> backend.recurrent(
                RecurrentCell.GRU, 2, 3, 1, 2, false, backend.allocate(6), 0, weights, 0,
                backend.allocate(2 * RecurrentCell.GRU.workspaceSize(3, 2)), 0, backend.allocate(4), 0));
        assertTrue(refused.getMessage().contains("weights"), refused.getMessage());
    }


    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** One recurrent layer's memories, its weights random and small enough that no gate saturates. */
    private final class Layer {
        final RecurrentCell cell;
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

        Layer(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences) {
            this.cell = cell;
            this.batch = batch;
            this.steps = steps;
            this.inputs = inputs;
            this.units = units;
            this.returnSequences = returnSequences;
            int count = cell.weightCount(inputs, units);
            this.weights = memory(backend, uniform(random, count, -0.8, 0.8));
            this.dWeights = backend.allocate(count);
            this.workspace = backend.allocate(batch * cell.workspaceSize(steps, units));
            this.dWorkspace = backend.allocate(batch * cell.workspaceSize(steps, units));
            this.y = backend.allocate(outputSize());
        }

        int outputSize() {
            return batch * (returnSequences ? steps : 1) * units;
        }

        void forward(Memory x) {
            backend.recurrent(cell, batch, steps, inputs, units, returnSequences, x, 0, weights, 0, workspace, 0, y, 0);
        }

        void backward(Memory x, Memory dy, Memory dx) {
            backend.recurrentBackward(cell, batch, steps, inputs, units, returnSequences, x, 0, weights, 0, workspace, 0,
                    dy, 0, dWeights, 0, dWorkspace, 0, dx, 0);
        }
    }
}
