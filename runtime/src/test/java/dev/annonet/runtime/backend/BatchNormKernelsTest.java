package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertValues;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;

import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** Batch normalization on the reference backend: statistics, moving updates, inference, gradients. */
class BatchNormKernelsTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    @Test
    void trainingNormalizesWithTheBiasedBatchVarianceAndUpdatesTheMovingStatistics() {
        // one channel, rows 1 and 3: mean 2, biased variance 1
        Memory x = memory(backend, 1, 3);
        Memory gamma = memory(backend, 2);
        Memory beta = memory(backend, 0.5);
        Memory movingMean = memory(backend, 0);
        Memory movingVariance = memory(backend, 1);
        Memory statistics = backend.allocate(2);
        Memory y = backend.allocate(2);
        backend.batchNorm(true, 2, 1, 0.9, 1e-3, x, 0, gamma, 0, beta, 0, movingMean, 0, movingVariance, 0,
                statistics, 0, y, 0);
        double s = 1 / Math.sqrt(1 + 1e-3);
        assertValues(new double[] {0.5 - 2 * s, 0.5 + 2 * s}, values(y), "y");
        assertValues(new double[] {2, s}, values(statistics), "mean, 1/sqrt(var + eps)");
        assertValues(new double[] {0.2}, values(movingMean), "moving mean");
        assertValues(new double[] {0.9 + 0.1}, values(movingVariance), "moving variance");

        backend.batchNorm(false, 2, 1, 0.9, 1e-3, x, 0, gamma, 0, beta, 0, movingMean, 0, movingVariance, 0,
                null, 0, y, 0);
        double inference = 2 / Math.sqrt(1 + 1e-3);
        assertValues(new double[] {(1 - 0.2) * inference + 0.5, (3 - 0.2) * inference + 0.5}, values(y), "inference");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        int rows = 6;
        int cols = 3;
        Random random = new Random(9);
        Memory x = memory(backend, uniform(random, rows * cols, -2, 2));
        Memory gamma = memory(backend, uniform(random, cols, 0.5, 1.5));
        Memory beta = memory(backend, uniform(random, cols, -0.5, 0.5));
        Memory upstream = memory(backend, uniform(random, rows * cols, -1, 1));
        Memory movingMean = backend.allocate(cols);
        Memory movingVariance = backend.allocate(cols);
        Memory statistics = backend.allocate(2 * cols);
        Memory y = backend.allocate(rows * cols);
        DoubleSupplier objective = () -> {
            backend.batchNorm(true, rows, cols, 0.99, 1e-3, x, 0, gamma, 0, beta, 0, movingMean, 0, movingVariance, 0,
                    statistics, 0, y, 0);
            return TestData.dot(values(y), values(upstream));
        };
        objective.getAsDouble();
        Memory dGamma = backend.allocate(cols);
        Memory dBeta = backend.allocate(cols);
        Memory dx = backend.allocate(rows * cols);
        backend.batchNormBackward(rows, cols, x, 0, gamma, 0, statistics, 0, upstream, 0, dGamma, 0, dBeta, 0, dx, 0);
        GradientCheck.assertGradient("gamma", objective, values(gamma), values(dGamma));
        GradientCheck.assertGradient("beta", objective, values(beta), values(dBeta));
        GradientCheck.assertGradient("input", objective, values(x), values(dx));
    }

    /** Without scale and center (no gamma, no beta) the layer is the one with gamma 1 and beta 0; dx checked there. */
    @Test
    void absentGammaAndBetaAreOneAndZero() {
        int rows = 5;
        int cols = 2;
        Random random = new Random(4);
        Memory x = memory(backend, uniform(random, rows * cols, -2, 2));
        Memory upstream = memory(backend, uniform(random, rows * cols, -1, 1));
        Memory ones = memory(backend, 1, 1);
        Memory zeros = memory(backend, 0, 0);
        Memory movingMean = backend.allocate(cols);
        Memory movingVariance = backend.allocate(cols);
        Memory statistics = backend.allocate(2 * cols);
        Memory expected = backend.allocate(rows * cols);
        backend.batchNorm(true, rows, cols, 0.9, 1e-3, x, 0, ones, 0, zeros, 0, movingMean, 0, movingVariance, 0,
                statistics, 0, expected, 0);
        Memory expectedDx = backend.allocate(rows * cols);
        backend.batchNormBackward(rows, cols, x, 0, ones, 0, statistics, 0, upstream, 0, null, 0, null, 0, expectedDx, 0);

        Memory y = backend.allocate(rows * cols);
        DoubleSupplier objective = () -> {
            backend.batchNorm(true, rows, cols, 0.9, 1e-3, x, 0, null, 0, null, 0, movingMean, 0, movingVariance, 0,
                    statistics, 0, y, 0);
            return TestData.dot(values(y), values(upstream));
        };
        objective.getAsDouble();
        Memory dx = backend.allocate(rows * cols);
        backend.batchNormBackward(rows, cols, x, 0, null, 0, statistics, 0, upstream, 0, null, 0, null, 0, dx, 0);
        assertValues(values(expected), values(y), "y without gamma and beta");
        assertValues(values(expectedDx), values(dx), "dx without gamma");
        GradientCheck.assertGradient("input", objective, values(x), values(dx));

        backend.batchNorm(false, rows, cols, 0.9, 1e-3, x, 0, ones, 0, zeros, 0, movingMean, 0, movingVariance, 0,
                null, 0, expected, 0);
        backend.batchNorm(false, rows, cols, 0.9, 1e-3, x, 0, null, 0, null, 0, movingMean, 0, movingVariance, 0,
                null, 0, y, 0);
        assertValues(values(expected), values(y), "inference without gamma and beta");
    }
}
