package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.runtime.backend.LossKind;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.Precision;
import dev.annonet.runtime.backend.UpdateRule;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The precision policies on the host executor: its GEMMs round their operands as the tensor cores
 * do under each policy, and MIXED_FLOAT16's dynamic loss scaling (scaled loss gradient, unscaled
 * gradients, a skipped step on overflow, the scale halved and grown) in eager steps and in steps
 * run in recording mode, where everything that changes is read from device memory. (The host
 * executor cannot keep a recording: it runs a recorded step's kernels anew each time, reading the
 * counters as a replayed graph reads them.)
 */
class CudaMixedPrecisionTest {
    private static final UpdateRule ADAM = new UpdateRule.Adam(0.9f, 0.999f, 1e-7f);

    @ParameterizedTest
    @EnumSource(Precision.class)
    void gemmIsTheDoubleProductOfTheOperandsRoundedAsThePolicyRoundsThem(Precision precision) {
        int m = 5, n = 7, k = 300;
        SplittableRandom random = new SplittableRandom(3);
        float[] a = uniform(random, m * k);
        float[] b = uniform(random, k * n);
        try (CudaBackend backend = CudaBackend.hostExecutor(false).withPrecision(precision)) {
            for (boolean transposeA : new boolean[] {false, true}) {
                for (boolean transposeB : new boolean[] {false, true}) {
                    float[] expected = roundedProduct(precision, transposeA, transposeB, m, n, k, a, b);
                    assertArrayEquals(expected, gemm(backend, transposeA, transposeB, m, n, k, a, b),
                            precision + ", transposed " + transposeA + " " + transposeB);
                }
            }
        }
    }

    @Test
    void theMixedPoliciesChangeTheProductAndFloat32DoesNot() {
        int m = 3, n = 4, k = 64;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        Arrays.fill(a, 1 + 0x1p-9f); // neither a bfloat16 nor (times 1 + 2^-12) a half
        Arrays.fill(b, 1 + 0x1p-12f);
        float[][] products = new float[Precision.values().length][];
        for (Precision precision : Precision.values()) {
            try (CudaBackend backend = CudaBackend.hostExecutor(false).withPrecision(precision)) {
                products[precision.ordinal()] = gemm(backend, false, false, m, n, k, a, b);
            }
        }
        assertEquals((float) (k * (1 + 0x1p-9) * (1 + 0x1p-12)), products[Precision.FLOAT32.ordinal()][0]);
        assertEquals(k, products[Precision.MIXED_BFLOAT16.ordinal()][0], "both operands round to 1 in bfloat16");
        assertEquals((float) (k * (1 + 0x1p-9)), products[Precision.MIXED_FLOAT16.ordinal()][0], "b rounds to 1 in half, a stays");
    }

    @Test
    void theLossGradientIsScaledAndTheScaleStartsAtTwoToTheFifteen() {
        float[] plain = mseGradient(CudaBackend.hostExecutor(false));
        CudaBackend scaled = CudaBackend.hostExecutor(false).withPrecision(Precision.MIXED_FLOAT16);
        assertEquals(32768.0, scaled.lossScale());
        float[] gradient = mseGradient(scaled);
        for (int i = 0; i < plain.length; i++) {
            assertEquals(plain[i] * 32768f, gradient[i]);
        }
        try (CudaBackend bfloat16 = CudaBackend.hostExecutor(false).withPrecision(Precision.MIXED_BFLOAT16)) {
            assertTrue(Double.isNaN(bfloat16.lossScale()), "bfloat16 has float32's range: no loss scaling");
        }
    }

    /**
     * An infinite gradient skips the whole step: weights, Adam's moments and its step count stay,
     * and the scale halves. The next finite step is Adam's first, with the gradients divided by the
     * halved scale, as on a float32 backend given the unscaled gradients.
     */
    @Test
    void anOverflowSkipsTheStepEntirelyAndHalvesTheScale() {
        float[] gradients = {0.5f, -2f, 0.25f};
        float[] expected;
        try (CudaBackend plain = CudaBackend.hostExecutor(false)) {
            Memory[] buffers = optimizerBuffers(plain, gradients);
            plain.update(ADAM, 3, buffers[0], buffers[1], buffers[2], buffers[3], 0.1f, 1);
            expected = values(plain, buffers[0]);
        }
        try (CudaBackend backend = CudaBackend.hostExecutor(false).withPrecision(Precision.MIXED_FLOAT16)) {
            Memory[] buffers = optimizerBuffers(backend, new float[] {1, Float.POSITIVE_INFINITY, 1});
            backend.update(ADAM, 3, buffers[0], buffers[1], buffers[2], buffers[3], 0.1f, 1);
            assertArrayEquals(new float[] {1, 2, 3}, values(backend, buffers[0]), "weights");
            assertArrayEquals(new float[3], values(backend, buffers[2]), "Adam's first moments");
            assertArrayEquals(new float[3], values(backend, buffers[3]), "Adam's second moments");
            assertEquals(16384.0, backend.lossScale());

            float[] scaledUp = new float[3];
            for (int i = 0; i < 3; i++) {
                scaledUp[i] = gradients[i] * 16384f;
            }
            backend.upload(scaledUp, 0, buffers[1], 0, 3);
            backend.update(ADAM, 3, buffers[0], buffers[1], buffers[2], buffers[3], 0.1f, 2);
            assertArrayEquals(expected, values(backend, buffers[0]), "the second update is Adam's first");
            assertEquals(16384.0, backend.lossScale());
        }
    }

    @Test
    void theScaleDoublesAfterTheGrowthIntervalOfFiniteStepsInARow() {
        try (CudaBackend backend = CudaBackend.hostExecutor(false).withPrecision(Precision.MIXED_FLOAT16, 3)) {
            Memory[] buffers = optimizerBuffers(backend, new float[] {1, 1, 1});
            double[] scales = new double[7];
            for (int step = 0; step < scales.length; step++) {
                if (step == 4) {
                    backend.upload(new float[] {Float.NaN}, 0, buffers[1], 0, 1);
                }
                backend.update(new UpdateRule.Sgd(0f, false), 3, buffers[0], buffers[1], null, null, 0.01f, step + 1);
                scales[step] = backend.lossScale();
                backend.upload(new float[] {1}, 0, buffers[1], 0, 1);
            }
            assertArrayEquals(new double[] {32768, 32768, 65536, 65536, 32768, 32768, 32768}, scales,
                    "doubled after three finite steps; a NaN halves it and starts the count again");
        }
    }

    @Test
    void aGrowthIntervalMustBePositive() {
        try (CudaBackend backend = CudaBackend.hostExecutor(false)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.withPrecision(Precision.MIXED_FLOAT16, 0));
            assertEquals("the loss scale's growth interval must be positive, was 0", e.getMessage());
        }
    }

    /**
     * A one-parameter-vector "network" whose outputs are its weights, trained on the squared error:
     * outputs of 1e35 make the scaled loss gradient overflow until the scale has halved enough
     * (1e35 · 2048 is finite, 1e35 · 4096 is not), and until then no step changes anything. The
     * same in eager steps and in recorded ones.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTrainingStepBacksOffUntilItsScaledGradientIsFinite(boolean recorded) {
        try (CudaBackend backend = CudaBackend.hostExecutor(recorded).withPrecision(Precision.MIXED_FLOAT16)) {
            Memory weights = backend.allocate(2);
            Memory targets = backend.allocate(2);
            Memory gradient = backend.allocate(2);
            backend.upload(new float[] {1e35f, -1e35f}, 0, weights, 0, 2);
            UpdateRule sgd = new UpdateRule.Sgd(0f, false);
            double[] scales = new double[6];
            float[][] seen = new float[scales.length][];
            for (int step = 0; step < scales.length; step++) {
                long update = step + 1;
                Runnable trainingStep = () -> {
                    backend.loss(LossKind.MEAN_SQUARED_ERROR, false, 1, 2, weights, 0, null, 0, targets, 0, null, 0,
                            gradient, 0, 1f);
                    backend.update(sgd, 2, weights, gradient, null, null, 0.25f, update);
                };
                if (recorded) {
                    backend.stepReplay().replay(1, step, update, 0.25f, trainingStep);
                    backend.stepReplay().collect();
                } else {
                    trainingStep.run();
                }
                scales[step] = backend.lossScale();
                seen[step] = values(backend, weights);
            }
            assertArrayEquals(new double[] {16384, 8192, 4096, 2048, 2048, 2048}, scales);
            for (int step = 0; step < 4; step++) {
                assertArrayEquals(new float[] {1e35f, -1e35f}, seen[step], "skipped step " + (step + 1));
            }
            // The squared error's gradient over two columns is (y - t): each finite step takes a quarter of it.
            assertArrayEquals(new float[] {0.75e35f, -0.75e35f}, seen[4], 1e29f);
            assertArrayEquals(new float[] {0.5625e35f, -0.5625e35f}, seen[5], 1e29f);
        }
    }

    private static float[] mseGradient(CudaBackend backend) {
        try (backend) {
            Memory y = backend.allocate(2);
            Memory targets = backend.allocate(2);
            Memory gradient = backend.allocate(2);
            backend.upload(new float[] {0.75f, -0.5f}, 0, y, 0, 2);
            backend.loss(LossKind.MEAN_SQUARED_ERROR, false, 1, 2, y, 0, null, 0, targets, 0, null, 0, gradient, 0, 1f);
            return values(backend, gradient);
        }
    }

    /** Weights (1, 2, 3), the gradients, and Adam's two zeroed moments. */
    private static Memory[] optimizerBuffers(CudaBackend backend, float[] gradients) {
        Memory[] buffers = {backend.allocate(3), backend.allocate(3), backend.allocate(3), backend.allocate(3)};
        backend.upload(new float[] {1, 2, 3}, 0, buffers[0], 0, 3);
        backend.upload(gradients, 0, buffers[1], 0, 3);
        return buffers;
    }

    private static float[] gemm(CudaBackend backend, boolean transposeA, boolean transposeB, int m, int n, int k,
                                float[] a, float[] b) {
        Memory left = backend.allocate(m * k);
        Memory right = backend.allocate(k * n);
        Memory product = backend.allocate(m * n);
        backend.upload(a, 0, left, 0, m * k);
        backend.upload(b, 0, right, 0, k * n);
        backend.matmul(transposeA, transposeB, m, n, k, left, 0, right, 0, product, 0, false);
        return values(backend, product);
    }

    /** Row-major op(A)·op(B) in double over the operands rounded as {@code precision}'s GEMMs round them. */
    private static float[] roundedProduct(Precision precision, boolean transposeA, boolean transposeB, int m, int n, int k,
                                          float[] a, float[] b) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) rounded(precision, transposeA ? a[p * m + i] : a[i * k + p])
                            * rounded(precision, transposeB ? b[j * k + p] : b[p * n + j]);
                }
                c[i * n + j] = (float) sum;
            }
        }
        return c;
    }

    /** {@code x} as {@code precision}'s GEMMs round their operands. */
    static float rounded(Precision precision, float x) {
        return switch (precision) {
            case FLOAT32 -> x;
            case MIXED_BFLOAT16 -> CudaLibrary.roundToBfloat16(x);
            case MIXED_FLOAT16 -> CudaLibrary.roundToFloat16(x);
        };
    }

    private static float[] values(CudaBackend backend, Memory memory) {
        float[] values = new float[memory.size()];
        backend.download(memory, 0, values, 0, values.length);
        return values;
    }

    /** Values in [-3, 3): most need rounding to fit bfloat16 or half. */
    private static float[] uniform(SplittableRandom random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextDouble(-3, 3);
        }
        return values;
    }
}
