package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertClose;
import static dev.annonet.runtime.backend.ReferenceAssertions.assertValues;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Losses and accuracies on the reference backend: Keras's documented values, gradients, fused forms. */
class LossKernelsTest {
    private static final int ROWS = 4;
    private static final int COLS = 3;
    private final Backend backend = CheckedBackend.wrap(new ReferenceBackend());

    private double lossValue(LossKind kind, int rows, int cols, double[] y, double[] targets) {
        return backend.lossValue(kind, false, rows, cols, memory(backend, y), 0, null, 0, memory(backend, targets), 0);
    }

    /** The examples of Keras's loss docstrings; Keras reports their mean over rows, the backend the sum. */
    @Test
    void kerasDocumentedValues() {
        double[] predictions = {0.05, 0.95, 0, 0.1, 0.8, 0.1};
        double crossentropy = -Math.log(0.95) - Math.log(0.1); // Keras: mean 1.177
        assertEquals(crossentropy, lossValue(LossKind.CATEGORICAL_CROSSENTROPY, 2, 3, predictions,
                new double[] {0, 1, 0, 0, 0, 1}), 1e-12);
        assertEquals(crossentropy, lossValue(LossKind.SPARSE_CATEGORICAL_CROSSENTROPY, 2, 3, predictions,
                new double[] {1, 2}), 1e-12);
        double binary = -(Math.log(0.4) + Math.log(0.4)) / 2 - (Math.log(0.6) + Math.log(0.4)) / 2; // Keras: mean 0.815
        assertEquals(binary, lossValue(LossKind.BINARY_CROSSENTROPY, 2, 2,
                new double[] {0.6, 0.4, 0.4, 0.6}, new double[] {0, 1, 0, 0}), 1e-12);
        assertEquals(2 * 0.5, lossValue(LossKind.MEAN_SQUARED_ERROR, 2, 2,
                new double[] {1, 1, 1, 0}, new double[] {0, 1, 0, 0}), 1e-12);
    }

    /** Probabilities of 0 and 1 are clipped to [1e-7, 1 - 1e-7]: a finite loss and no gradient through them. */
    @Test
    void clippedProbabilitiesGiveFiniteLossAndZeroGradient() {
        Memory y = memory(backend, 0, 1);
        Memory targets = memory(backend, 1, 0);
        Memory gradient = backend.allocate(2);
        double loss = backend.loss(LossKind.CATEGORICAL_CROSSENTROPY, false, 1, 2, y, 0, null, 0, targets, 0,
                gradient, 0, 1);
        assertEquals(-Math.log(1e-7), loss, 1e-9);
        assertValues(new double[] {0, 0}, values(gradient), "gradient where clipped");
        loss = backend.loss(LossKind.BINARY_CROSSENTROPY, false, 1, 2, y, 0, null, 0, targets, 0, gradient, 0, 1);
        assertEquals(-Math.log(1e-7), loss, 1e-6);
        assertValues(new double[] {0, 0}, values(gradient), "gradient where clipped");
    }

    @Test
    void fusedLossesStayFiniteForLargeLogits() {
        Memory z = memory(backend, 1000, -1000, 0);
        Memory targets = memory(backend, 0, 1, 0);
        Memory gradient = backend.allocate(3);
        double softmax = backend.loss(LossKind.CATEGORICAL_CROSSENTROPY, true, 1, 3, null, 0, z, 0, targets, 0,
                gradient, 0, 1);
        assertEquals(2000, softmax, 1e-9);
        assertValues(new double[] {1, -1, 0}, values(gradient), "p - t");
        double sigmoid = backend.loss(LossKind.BINARY_CROSSENTROPY, true, 1, 3, null, 0, z, 0, targets, 0,
                gradient, 0, 1);
        assertEquals((1000 + 1000 + Math.log(2)) / 3, sigmoid, 1e-9);
        assertValues(new double[] {1 / 3.0, -1 / 3.0, 0.5 / 3}, values(gradient), "(p - t)/cols");
    }

    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#losses")
    void gradientMatchesFiniteDifferences(LossKind kind, boolean fused) {
        assertGradientMatchesFiniteDifferences(kind, fused, null);
    }

    /** Sample weights (one a row, a zero among them) scale each row's loss and its gradient alike. */
    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#losses")
    void weightedGradientMatchesFiniteDifferences(LossKind kind, boolean fused) {
        assertGradientMatchesFiniteDifferences(kind, fused, memory(backend, new double[] {0.5, 2, 0, 1.25}));
    }

    private void assertGradientMatchesFiniteDifferences(LossKind kind, boolean fused, Memory weights) {
        Random random = new Random(11);
        // Outputs well inside (0, 1) so clipping does not bend the finite differences.
        double[] outputs = fused ? uniform(random, ROWS * COLS, -3, 3) : uniform(random, ROWS * COLS, 0.05, 0.95);
        Memory output = memory(backend, outputs);
        Memory targets = memory(backend, targets(kind, random));
        Memory gradient = backend.allocate(ROWS * COLS);
        float scale = 0.25f;
        backend.loss(kind, fused, ROWS, COLS, output, 0, output, 0, targets, 0, weights, 0, gradient, 0, scale);
        double[] unscaled = values(gradient).clone();
        for (int i = 0; i < unscaled.length; i++) {
            unscaled[i] /= scale;
        }
        GradientCheck.assertGradient(kind + (fused ? " fused" : "") + (weights != null ? " weighted" : ""),
                () -> backend.lossValue(kind, fused, ROWS, COLS, output, 0, output, 0, targets, 0, weights, 0),
                values(output), unscaled);
    }

    /** The weighted loss is the sum of each row's loss times its weight, not divided by the weights' sum. */
    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#losses")
    void weightsMultiplyEachRowsLoss(LossKind kind, boolean fused) {
        Random random = new Random(17);
        double[] weights = {0.5, 2, 0, 1.25};
        Memory output = memory(backend, fused ? uniform(random, ROWS * COLS, -3, 3) : uniform(random, ROWS * COLS, 0.05, 0.95));
        double[] targetValues = targets(kind, random);
        Memory targets = memory(backend, targetValues);
        int targetWidth = targetValues.length / ROWS;
        double expected = 0;
        for (int r = 0; r < ROWS; r++) {
            expected += weights[r] * backend.lossValue(kind, fused, 1, COLS, output, r * COLS, output, r * COLS,
                    targets, r * targetWidth);
        }
        assertEquals(expected, backend.lossValue(kind, fused, ROWS, COLS, output, 0, output, 0, targets, 0,
                memory(backend, weights), 0), 1e-12);
    }

    private static double[] targets(LossKind kind, Random random) {
        return switch (kind) {
            case CATEGORICAL_CROSSENTROPY -> TestData.probabilities(random, ROWS, COLS);
            case SPARSE_CATEGORICAL_CROSSENTROPY -> TestData.classIndices(random, ROWS, COLS);
            case BINARY_CROSSENTROPY, MEAN_SQUARED_ERROR -> uniform(random, ROWS * COLS, 0, 1);
        };
    }

    /** Fusing changes the route, not the result: loss(z) = loss(f(z)) and dL/dz = f'ᵀ·dL/dy. */
    @ParameterizedTest
    @CsvSource({"CATEGORICAL_CROSSENTROPY, SOFTMAX", "SPARSE_CATEGORICAL_CROSSENTROPY, SOFTMAX",
        "BINARY_CROSSENTROPY, SIGMOID"})
    void fusedEqualsActivationThenLoss(LossKind kind, Activation.Kind activation) {
        Random random = new Random(5);
        ActivationFunction f = ActivationFunction.of(activation);
        Memory z = memory(backend, uniform(random, ROWS * COLS, -2, 2));
        Memory y = backend.allocate(ROWS * COLS);
        backend.biasActivation(f, ROWS, COLS, z, 0, null, 0, y, 0);
        Memory targets = memory(backend, targets(kind, random));
        Memory fusedGradient = backend.allocate(ROWS * COLS);
        Memory outputGradient = backend.allocate(ROWS * COLS);
        double fused = backend.loss(kind, true, ROWS, COLS, y, 0, z, 0, targets, 0, fusedGradient, 0, 0.5f);
        double unfused = backend.loss(kind, false, ROWS, COLS, y, 0, z, 0, targets, 0, outputGradient, 0, 0.5f);
        backend.activationBackward(f, ROWS, COLS, z, 0, y, 0, outputGradient, 0, outputGradient, 0);
        assertEquals(unfused, fused, 1e-12);
        assertClose(values(outputGradient), values(fusedGradient), 1e-12, kind + " gradient");
    }

    @Test
    void rejectsMisuse() {
        Memory y = backend.allocate(6);
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> lossValue(LossKind.SPARSE_CATEGORICAL_CROSSENTROPY, 2, 3, new double[6], new double[] {1, 3}));
        assertTrue(label.getMessage().contains("sparse target 3.0 of row 1"), label.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> backend.lossValue(LossKind.MEAN_SQUARED_ERROR, true, 2, 3, y, 0, y, 0, y, 0));
    }

    @Test
    void countCorrect() {
        Memory y = memory(backend, 0.2, 0.7, 0.1, 0.5, 0.5, 0); // row 2 ties: the first maximum wins
        Memory oneHot = memory(backend, 0, 1, 0, 0, 1, 0);
        assertEquals(1, backend.countCorrect(AccuracyKind.CATEGORICAL, 2, 3, y, 0, oneHot, 0));
        assertEquals(2, backend.countCorrect(AccuracyKind.SPARSE_CATEGORICAL, 2, 3, y, 0, memory(backend, 1, 0), 0));
        Memory binaryTargets = memory(backend, 0, 1, 0, 1, 0, 0); // 0.5 is not above 0.5: one miss
        assertEquals(5, backend.countCorrect(AccuracyKind.BINARY, 2, 3, y, 0, binaryTargets, 0));
    }
}
