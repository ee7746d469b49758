package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.contract.Window2D;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.backend.LossKind;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.Precision;
import dev.annonet.runtime.backend.UpdateRule;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CudaMixedPrecisionTest's contracts on a GPU: cublasGemmEx's bfloat16 and half tensor-core GEMMs
 * against the double product of the operands rounded so (cuBLAS sums in float32, in its own order:
 * a tolerance), and the loss scaling's back-off inside a step recorded and replayed as a CUDA graph.
 * Tagged gpu.
 */
@Tag("gpu")
class GpuMixedPrecisionTest {

    @ParameterizedTest
    @EnumSource(Precision.class)
    void tensorCoreGemmsMultiplyTheRoundedOperands(Precision precision) {
        int m = 64, n = 96, k = 512;
        SplittableRandom random = new SplittableRandom(5);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextDouble(-1, 1);
        }
        try (CudaBackend backend = CudaBackend.onDevice(0, false, false).withPrecision(precision)) {
            Memory left = backend.allocate(m * k);
            Memory right = backend.allocate(k * n);
            Memory product = backend.allocate(m * n);
            backend.upload(a, 0, left, 0, a.length);
            backend.upload(b, 0, right, 0, b.length);
            backend.matmul(false, false, m, n, k, left, 0, right, 0, product, 0, false);
            float[] c = new float[m * n];
            backend.download(product, 0, c, 0, c.length);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (double) CudaMixedPrecisionTest.rounded(precision, a[i * k + p])
                                * CudaMixedPrecisionTest.rounded(precision, b[p * n + j]);
                    }
                    assertEquals(sum, c[i * n + j], 1e-4, precision + " at " + i + ", " + j);
                }
            }
        }
    }

    @Test
    void aReplayedStepBacksOffUntilItsScaledGradientIsFinite() {
        try (CudaBackend backend = CudaBackend.onDevice(0, false, true).withPrecision(Precision.MIXED_FLOAT16)) {
            Memory weights = backend.allocate(2);
            Memory targets = backend.allocate(2);
            Memory gradient = backend.allocate(2);
            backend.upload(new float[] {1e35f, -1e35f}, 0, weights, 0, 2);
            UpdateRule sgd = new UpdateRule.Sgd(0f, false);
            double[] scales = new double[6];
            for (int step = 0; step < scales.length; step++) {
                backend.stepReplay().replay(1, step, step + 1, 0.25f, () -> {
                    backend.loss(LossKind.MEAN_SQUARED_ERROR, false, 1, 2, weights, 0, null, 0, targets, 0, null, 0,
                            gradient, 0, 1f);
                    backend.update(sgd, 2, weights, gradient, null, null, 0.25f, 1);
                });
                backend.stepReplay().collect();
                scales[step] = backend.lossScale();
            }
            assertArrayEquals(new double[] {16384, 8192, 4096, 2048, 2048, 2048}, scales);
            float[] trained = new float[2];
            backend.download(weights, 0, trained, 0, 2);
            assertArrayEquals(new float[] {0.5625e35f, -0.5625e35f}, trained, 1e29f);
        }
    }

    /** cuDNN's plans are float32: under a mixed policy the convolution runs as im2col + the policy's GEMM. */
    @Test
    void aMixedPolicyRunsConvolutionsOnItsOwnGemms() {
        Window2D w = Window2D.input(28, 28, 1).window(3, 3).output(26, 26, 32);
        int batch = 8;
        int columns = batch * w.outputPositions() * w.patchSize();
        try (CudaBackend backend = CudaBackend.onDevice(0, false, false).withPrecision(Precision.MIXED_BFLOAT16)) {
            Memory x = backend.allocate(batch * w.inputSize());
            Memory kernel = backend.allocate(w.patchSize() * 32);
            Memory scratch = backend.allocate(columns);
            Memory z = backend.allocate(batch * w.outputSize());
            backend.conv2d(w, batch, x, 0, kernel, 0, scratch, 0, z, 0);
            backend.synchronize();
            assertFalse(backend.convolutionRunsOnCudnn(w, batch), backend.name());
        }
    }

    @Test
    void tf32IsTheFloat32PolicysOption() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Device.cuda(0).withTf32().withPrecision(Precision.MIXED_BFLOAT16));
        assertEquals("TF32 is the float32 policy's option; cuda:0 (tf32) cannot also run mixed_bfloat16", e.getMessage());
        assertThrows(IllegalStateException.class, () -> Device.cuda(0).withPrecision(Precision.MIXED_FLOAT16).withTf32());
    }
}
