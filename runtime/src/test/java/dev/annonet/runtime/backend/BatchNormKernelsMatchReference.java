package dev.annonet.runtime.backend;

import dev.annonet.runtime.backend.BackendPair.Twin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Batch normalization of a fast backend against the reference backend, operands at offsets in one
 * arena: relative error below 1e-4. Each fast backend's test nests a subclass that names it.
 */
public abstract class BatchNormKernelsMatchReference {
    private final BackendPair pair = new BackendPair(newFastBackend(), 99);

    /** The backend under test, new for each test. */
    protected abstract Backend newFastBackend();

    @AfterEach
    void close() {
        pair.close();
    }

    /** Also enough rows for the CPU backend to sum them in several chunks, on several threads; with and without gamma and beta. */
    @ParameterizedTest
    @CsvSource({"20, 6, true, true", "3000, 24, true, true", "20, 6, false, true", "3000, 24, true, false",
            "20, 6, false, false"})
    void batchNormTrainingInferenceAndBackward(int rows, int cols, boolean scale, boolean center) {
        // arena: [x | y | statistics | gamma | beta | mean | variance | dy | dGamma | dBeta | dx]
        int x = 2;
        int y = x + rows * cols;
        int statistics = y + rows * cols;
        int gamma = statistics + 2 * cols;
        int beta = gamma + cols;
        int mean = beta + cols;
        int variance = mean + cols;
        int dy = variance + cols;
        int dGamma = dy + rows * cols;
        int dBeta = dGamma + cols;
        int dx = dBeta + cols;
        Twin arena = pair.uniformTwin(dx + rows * cols, -1, 1);
        pair.onBoth((backend, side) -> {
            Memory a = side.apply(arena);
            Memory gammas = scale ? a : null;
            Memory betas = center ? a : null;
            backend.fill(a, variance, cols, 1);
            backend.batchNorm(true, rows, cols, 0.9, 1e-3, a, x, gammas, gamma, betas, beta, a, mean, a, variance,
                    a, statistics, a, y);
            backend.batchNormBackward(rows, cols, a, x, gammas, gamma, a, statistics, a, dy, gammas, dGamma, betas, dBeta,
                    a, dx);
        });
        pair.assertMatches(arena, "batch norm training and backward");
        pair.onBoth((backend, side) -> {
            Memory a = side.apply(arena);
            backend.batchNorm(false, rows, cols, 0.9, 1e-3, a, x, scale ? a : null, gamma, center ? a : null, beta,
                    a, mean, a, variance, null, 0, a, y);
        });
        pair.assertMatches(arena, "batch norm inference");
    }
}
