package dev.annonet.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sparse products against a plain triple loop in double precision, and batch normalization and
 * SGD against plain loops. Without OpenBLAS in this module they run on the calling thread alone, as
 * where OpenBLAS has no threads callback; the runtime's contract tests run them on the pool OpenBLAS
 * shares.
 */
class CpuKernelsTest {
    private final Random random = new Random(7);
    private final long handle = loaded() ? CpuKernels.sparseProductsCreate() : 0;

    private static boolean loaded() {
        assertNull(CpuKernels.load());
        return true;
    }

    @AfterEach
    void free() {
        CpuKernels.sparseProductsDestroy(handle);
    }

    /** Shapes that reach every loop: blocks of 64, eight-wide columns, single columns, a listing tail. */
    @ParameterizedTest
    @CsvSource({
        "false, 37, 200, 131", "true, 37, 200, 131",
        "false, 5, 70, 13", "true, 5, 70, 13",
        "false, 9, 3, 40", "true, 9, 3, 40",
        "false, 1, 64, 8", "true, 1, 64, 8"})
    void matchesDenseProduct(boolean transposeA, int m, int n, int k) {
        float[] a = sparse(m * k, 0.2);
        for (int i = 0; i < Math.min(k, a.length); i++) {
            a[i] = 0; // the first row (or column, transposed) all zeros
        }
        float[] b = uniform(k * n);
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] c = uniform(m * n);
            float[] expected = product(transposeA, m, n, k, a, b, accumulate ? c : new float[m * n]);
            Result result = run(transposeA, m, n, k, a, b, c, accumulate, 0.5);
            assertTrue(result.done(), "a product at density 0.2 with 0.5 allowed");
            float[] actual = result.c();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])),
                        "c[" + i + "] of " + m + "×" + n + "×" + k + " transposeA=" + transposeA + " accumulate=" + accumulate);
            }
        }
    }

    @Test
    void aDenseOperandIsRefusedAndTheProductLeftUntouched() {
        int m = 16;
        int n = 64;
        int k = 32;
        for (boolean transposeA : new boolean[] {false, true}) {
            float[] c = uniform(m * n);
            Result result = run(transposeA, m, n, k, sparse(m * k, 0.9), uniform(k * n), c, false, 0.3);
            assertFalse(result.done(), "a product at density 0.9 with 0.3 allowed");
            assertArrayEquals(c, result.c());
        }
    }

    @Test
    void aNanInputIsNotSkipped() {
        float[] a = new float[4 * 16];
        a[5] = Float.NaN;
        float[] c = run(false, 4, 64, 16, a, uniform(16 * 64), new float[4 * 64], false, 0.5).c();
        assertTrue(Float.isNaN(c[0]), "row 0 meets the NaN");
        assertFalse(Float.isNaN(c[64]), "row 1 does not");
    }

    /** Enough rows for several chunks of partial sums (cpu/batch_norm.h), each channel offset and scaled differently. */
    @Test
    void batchNormTrainingAndItsGradientsMatchDoubleLoops() {
        int rows = 3000;
        int cols = 24;
        float[] x = uniform(rows * cols);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * (1 + i % cols) + i % cols;
        }
        float[] gamma = uniform(cols);
        float[] beta = uniform(cols);
        float[] dy = uniform(rows * cols);
        double[] mean = new double[cols];
        double[] variance = new double[cols];
        for (int i = 0; i < x.length; i++) {
            mean[i % cols] += x[i] / (double) rows;
        }
        for (int i = 0; i < x.length; i++) {
            variance[i % cols] += Math.pow(x[i] - mean[i % cols], 2) / rows;
        }
        double epsilon = 1e-3;
        double[] sumDy = new double[cols];
        double[] sumDyXHat = new double[cols];
        for (int i = 0; i < x.length; i++) {
            int c = i % cols;
            sumDy[c] += dy[i];
            sumDyXHat[c] += dy[i] * (x[i] - mean[c]) / Math.sqrt(variance[c] + epsilon);
        }
        try (FloatPointer px = new FloatPointer(x); FloatPointer pGamma = new FloatPointer(gamma);
             FloatPointer pBeta = new FloatPointer(beta); FloatPointer movingMean = new FloatPointer(cols).zero();
             FloatPointer movingVariance = new FloatPointer(cols).zero(); FloatPointer statistics = new FloatPointer(2L * cols);
             FloatPointer y = new FloatPointer(rows * cols); FloatPointer pDy = new FloatPointer(dy);
             FloatPointer dGamma = new FloatPointer(cols); FloatPointer dBeta = new FloatPointer(cols);
             FloatPointer dx = new FloatPointer(rows * cols)) {
            CpuKernels.batchNorm(true, rows, cols, 0.5, epsilon, px.address(), pGamma.address(), pBeta.address(),
                    movingMean.address(), movingVariance.address(), statistics.address(), y.address());
            CpuKernels.batchNormBackward(rows, cols, px.address(), pGamma.address(), statistics.address(), pDy.address(),
                    dGamma.address(), dBeta.address(), dx.address());
            for (int c = 0; c < cols; c++) {
                assertEquals(0.5 * mean[c], movingMean.get(c), 1e-5 * (1 + Math.abs(mean[c])), "moving mean " + c);
                assertEquals(0.5 * variance[c], movingVariance.get(c), 1e-5 * (1 + variance[c]), "moving variance " + c);
                assertEquals(sumDy[c], dBeta.get(c), 1e-3, "dBeta " + c);
                assertEquals(sumDyXHat[c], dGamma.get(c), 1e-3, "dGamma " + c);
            }
            for (int i = 0; i < x.length; i++) {
                int c = i % cols;
                double deviation = Math.sqrt(variance[c] + epsilon);
                double xHat = (x[i] - mean[c]) / deviation;
                assertEquals(gamma[c] * xHat + beta[c], y.get(i), 1e-4, "y[" + i + "]");
                double expected = gamma[c] / deviation / rows * (rows * dy[i] - sumDy[c] - xHat * sumDyXHat[c]);
                assertEquals(expected, dx.get(i), 1e-4 * (1 + Math.abs(expected)), "dx[" + i + "]");
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"0, false", "0.9, false", "0.9, true"})
    void sgdMatchesKerasFormula(float momentum, boolean nesterov) {
        int count = 70_000; // more than one chunk of the optimizers' loop
        float[] w = uniform(count);
        float[] g = uniform(count);
        float[] v = uniform(count);
        float rate = 0.1f;
        try (FloatPointer pw = new FloatPointer(w); FloatPointer pg = new FloatPointer(g); FloatPointer pv = new FloatPointer(v)) {
            CpuKernels.sgd(count, pw.address(), pg.address(), momentum == 0 ? 0 : pv.address(), rate, momentum, nesterov);
            for (int i = 0; i < count; i++) {
                float velocity = momentum * v[i] - rate * g[i];
                float expected = momentum == 0 ? w[i] - rate * g[i]
                        : w[i] + (nesterov ? momentum * velocity - rate * g[i] : velocity);
                assertEquals(expected, pw.get(i), 1e-6f, "w[" + i + "]");
                assertEquals(momentum == 0 ? v[i] : velocity, pv.get(i), 1e-6f, "velocity[" + i + "]");
            }
        }
    }

    /** Whether the kernel took the product, and c after it. */
    private record Result(boolean done, float[] c) {
    }

    private Result run(boolean transposeA, int m, int n, int k, float[] a, float[] b, float[] c, boolean accumulate,
                       double maxDensity) {
        try (FloatPointer pa = new FloatPointer(a); FloatPointer pb = new FloatPointer(b); FloatPointer pc = new FloatPointer(c)) {
            boolean done = CpuKernels.sparseProduct(handle, transposeA, m, n, k, pa.address(), pb.address(), pc.address(),
                    accumulate, maxDensity);
            float[] out = new float[c.length];
            pc.get(out);
            return new Result(done, out);
        }
    }

    /** c (+)= a·b, or aᵀ·b where a is k × m, summed in double. */
    private static float[] product(boolean transposeA, int m, int n, int k, float[] a, float[] b, float[] c) {
        float[] out = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = out[i * n + j];
                for (int p = 0; p < k; p++) {
                    sum += (double) (transposeA ? a[p * m + i] : a[i * k + p]) * b[p * n + j];
                }
                out[i * n + j] = (float) sum;
            }
        }
        return out;
    }

    private float[] sparse(int count, double density) {
        float[] values = uniform(count);
        for (int i = 0; i < count; i++) {
            if (random.nextDouble() >= density) {
                values[i] = 0;
            }
        }
        return values;
    }

    private float[] uniform(int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }
}
