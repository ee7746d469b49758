package dev.annonet.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.PoolingKind;
import dev.annonet.runtime.backend.Window2D;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The convolution family's kernels on the CPU backend (im2col + sgemm for Conv2D) against the
 * reference backend, operands at offsets in one arena as generated code lays them out: relative
 * error below 1e-4.
 */
class CpuImageKernelsMatchReferenceTest {
    private static final double TOLERANCE = 1e-4;
    private static final int BATCH = 3;

    private final CpuBackend cpu = new CpuBackend();
    private final ReferenceBackend reference = new ReferenceBackend();
    private final Random random = new Random(99);

    private record Twin(Memory cpu, Memory reference) {
    }

    @AfterEach
    void close() {
        cpu.close();
    }

    /** An arena of random values in [-1, 1) on both backends. */
    private Twin arena(int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) (2 * random.nextDouble() - 1);
        }
        Twin twin = new Twin(cpu.allocate(size), reference.allocate(size));
        cpu.upload(values, 0, twin.cpu(), 0, size);
        reference.upload(values, 0, twin.reference(), 0, size);
        return twin;
    }

    private void onBoth(Twin arena, BiConsumer<Backend, Memory> kernel) {
        kernel.accept(cpu, arena.cpu());
        kernel.accept(reference, arena.reference());
    }

    private void assertMatches(Twin twin, String what) {
        int size = twin.cpu().size();
        float[] fast = new float[size];
        float[] exact = new float[size];
        cpu.download(twin.cpu(), 0, fast, 0, size);
        reference.download(twin.reference(), 0, exact, 0, size);
        float largest = 0;
        for (float value : exact) {
            largest = Math.max(largest, Math.abs(value));
        }
        for (int i = 0; i < size; i++) {
            double scale = Math.max(Math.abs(exact[i]), 1e-2 * largest);
            if (!(Math.abs(fast[i] - exact[i]) <= TOLERANCE * scale)) {
                fail(what + "[" + i + "]: cpu " + fast[i] + ", reference " + exact[i]);
            }
        }
    }

    @Test
    void conv2dForwardAndBackward() {
        Window2D[] windows = {
            Window2D.input(9, 8, 3).window(3, 3).output(7, 6, 5),
            Window2D.input(9, 8, 3).window(3, 3).strides(2, 2).padding(1, 1).output(5, 4, 4),
            Window2D.input(9, 9, 2).window(3, 3).dilation(2, 2).padding(2, 2).output(9, 9, 3),
            Window2D.input(6, 7, 1).window(5, 2).strides(1, 3).padding(2, 0).output(6, 2, 2)};
        for (Window2D w : windows) {
            int columns = BATCH * w.outputPositions() * w.patchSize();
            // arena: [pad | x | kernel | columns | z | dz | dColumns | dKernel | dx]
            int x = 5;
            int kernel = x + BATCH * w.inputSize();
            int cols = kernel + w.patchSize() * w.outputChannels();
            int z = cols + columns;
            int dz = z + BATCH * w.outputSize();
            int dColumns = dz + BATCH * w.outputSize();
            int dKernel = dColumns + columns;
            int dx = dKernel + w.patchSize() * w.outputChannels();
            Twin arena = arena(dx + BATCH * w.inputSize());
            onBoth(arena, (backend, a) -> {
                backend.conv2d(w, BATCH, a, x, a, kernel, a, cols, a, z);
                backend.conv2dBackward(w, BATCH, a, x, a, kernel, a, cols, a, dz, a, dKernel, a, dColumns, a, dx);
            });
            // The scratch differs by design (the reference leaves it alone): compare all but the scratch.
            onBoth(arena, (backend, a) -> {
                backend.fill(a, cols, columns, 0);
                backend.fill(a, dColumns, columns, 0);
            });
            assertMatches(arena, "conv2d " + w);
        }
    }

    @ParameterizedTest
    @EnumSource(PoolingKind.class)
    void pooling(PoolingKind kind) {
        Window2D padded = Window2D.input(7, 6, 4).window(3, 2).strides(2, 2).padding(1, 0).output(4, 3, 4);
        Window2D overlapping = Window2D.input(5, 5, 3).window(3, 3).output(3, 3, 3); // stride 1: gradients add up
        for (Window2D w : new Window2D[] {padded, overlapping}) {
            int x = 3;
            int y = x + BATCH * w.inputSize();
            int dy = y + BATCH * w.outputSize();
            int dx = dy + BATCH * w.outputSize();
            Twin arena = arena(dx + BATCH * w.inputSize());
            onBoth(arena, (backend, a) -> {
                backend.pool2d(kind, w, BATCH, a, x, a, y);
                backend.pool2dBackward(kind, w, BATCH, a, x, a, dy, a, dx);
            });
            assertMatches(arena, kind + " pooling " + w);
        }
    }

    @Test
    void zeroPadding() {
        Window2D w = Window2D.input(4, 3, 2).padding(1, 2).output(7, 5, 2);
        int x = 1;
        int y = x + BATCH * w.inputSize();
        int dx = y + BATCH * w.outputSize();
        Twin arena = arena(dx + BATCH * w.inputSize());
        onBoth(arena, (backend, a) -> {
            backend.zeroPad2d(w, BATCH, a, x, a, y);
            backend.zeroPad2dBackward(w, BATCH, a, y, a, dx);
        });
        assertMatches(arena, "zero padding");
    }

    @Test
    void batchNormTrainingInferenceAndBackward() {
        int rows = 20;
        int cols = 6;
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
        Twin arena = arena(dx + rows * cols);
        onBoth(arena, (backend, a) -> {
            backend.fill(a, variance, cols, 1);
            backend.batchNorm(true, rows, cols, 0.9, 1e-3, a, x, a, gamma, a, beta, a, mean, a, variance, a, statistics, a, y);
            backend.batchNormBackward(rows, cols, a, x, a, gamma, a, statistics, a, dy, a, dGamma, a, dBeta, a, dx);
        });
        assertMatches(arena, "batch norm training and backward");
        onBoth(arena, (backend, a) -> backend.batchNorm(false, rows, cols, 0.9, 1e-3, a, x, a, gamma, a, beta,
                a, mean, a, variance, null, 0, a, y));
        assertMatches(arena, "batch norm inference");
    }

}
