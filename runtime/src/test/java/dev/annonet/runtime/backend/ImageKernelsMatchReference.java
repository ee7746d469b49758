package dev.annonet.runtime.backend;

import dev.annonet.contract.Window2D;
import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.BackendPair.Twin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The convolution family's kernels of a fast backend against the reference backend, operands at
 * offsets in one arena as generated code lays them out: relative error below 1e-4. Each fast
 * backend's test nests a subclass that names it.
 */
public abstract class ImageKernelsMatchReference {
    private static final int BATCH = 3;

    private final BackendPair pair = new BackendPair(newFastBackend(), 99);

    /** The backend under test, new for each test. */
    protected abstract Backend newFastBackend();

    @AfterEach
    void close() {
        pair.close();
    }

    /**
     * Backward with the columns' gradients in memory of their own, and in the columns' own memory, as
     * generated code passes them: the kernel is done with the columns before it writes their gradients.
     */
    @ParameterizedTest(name = "column gradients in the columns: {0}")
    @ValueSource(booleans = {false, true})
    void conv2dForwardAndBackward(boolean columnGradientsInTheColumns) {
        Window2D[] windows = {
            Window2D.input(9, 8, 3).window(3, 3).output(7, 6, 5),
            Window2D.input(9, 8, 3).window(3, 3).strides(2, 2).padding(1, 1).output(5, 4, 4),
            Window2D.input(9, 9, 2).window(3, 3).dilation(2, 2).padding(2, 2).output(9, 9, 3),
            Window2D.input(6, 7, 1).window(5, 2).strides(1, 3).padding(2, 0).output(6, 2, 2),
            // SAME at stride 1: the last window of each row reaches past the input's right edge
            Window2D.input(5, 6, 2).window(3, 3).padding(1, 1).output(5, 6, 4),
            // The CNN sample's two: the first's kernel gradient (9 × 32 over 2,028 rows) is split over
            // blocks on a GPU; the second's (288 × 64) is too wide for that and stays a GEMM.
            Window2D.input(28, 28, 1).window(3, 3).output(26, 26, 32),
            Window2D.input(13, 13, 32).window(3, 3).output(11, 11, 64),
            // Wide enough inputs for the cpu backend's direct kernel: padding on every edge, a stride, output
            // channels past a whole block of 32 (a masked tail), positions past a whole tile that run on into the next sample.
            Window2D.input(9, 7, 20).window(3, 3).strides(2, 2).padding(1, 1).output(5, 4, 37),
            Window2D.input(6, 5, 24).window(3, 3).padding(1, 1).output(6, 5, 16),
            Window2D.input(3, 5, 17).window(1, 1).output(3, 5, 70),
            Window2D.input(8, 8, 16).window(3, 3).dilation(2, 2).padding(2, 2).output(8, 8, 33),
            // A patch of 540 rows: the cpu backend applies the kernel 512 rows at a time, here from mid-window place.
            Window2D.input(5, 4, 60).window(3, 3).padding(1, 1).output(5, 4, 33)};
        for (Window2D w : windows) {
            int columns = BATCH * w.outputPositions() * w.patchSize();
            // arena: [pad | x | kernel | columns | z | dz | dColumns (unless in the columns) | dKernel | dx]
            int x = 5;
            int kernel = x + BATCH * w.inputSize();
            int cols = kernel + w.patchSize() * w.outputChannels();
            int z = cols + columns;
            int dz = z + BATCH * w.outputSize();
            int dColumns = columnGradientsInTheColumns ? cols : dz + BATCH * w.outputSize();
            int dKernel = dz + BATCH * w.outputSize() + columns;
            int dx = dKernel + w.patchSize() * w.outputChannels();
            Twin arena = pair.uniformTwin(dx + BATCH * w.inputSize(), -1, 1);
            pair.onBoth((backend, side) -> {
                Memory a = side.apply(arena);
                backend.conv2d(w, BATCH, a, x, a, kernel, a, cols, a, z);
                // Columns hold nothing between calls: other convolutions share them before backward runs.
                backend.fill(a, cols, columns, Float.NaN);
                backend.conv2dBackward(w, BATCH, a, x, a, kernel, a, cols, a, dz, a, dKernel, a, dColumns, a, dx);
            });
            // The scratch differs by design (the reference leaves it alone): compare all but the scratch.
            pair.onBoth((backend, side) -> {
                Memory a = side.apply(arena);
                backend.fill(a, cols, columns, 0);
                backend.fill(a, dColumns, columns, 0);
            });
            pair.assertMatches(arena, "conv2d " + w);
        }
    }

    @Test
    void depthwiseConv2dForwardAndBackward() {
        Window2D[] windows = {
            Window2D.input(9, 8, 3).window(3, 3).output(7, 6, 3),
            // SAME at stride 2, multiplier 2: MobileNet's downsampling step
            Window2D.input(9, 8, 4).window(3, 3).strides(2, 2).padding(1, 1).output(5, 4, 8),
            Window2D.input(9, 9, 2).window(3, 3).dilation(2, 2).padding(2, 2).output(9, 9, 6),
            // a block of MobileNet's size: enough values that a backend may split them over threads and blocks
            Window2D.input(14, 14, 64).window(3, 3).padding(1, 1).output(14, 14, 64)};
        for (Window2D w : windows) {
            int kernelSize = w.windowHeight() * w.windowWidth() * w.outputChannels();
            // arena: [pad | x | kernel | y | dy | dKernel | dx]
            int x = 7;
            int kernel = x + BATCH * w.inputSize();
            int y = kernel + kernelSize;
            int dy = y + BATCH * w.outputSize();
            int dKernel = dy + BATCH * w.outputSize();
            int dx = dKernel + kernelSize;
            Twin arena = pair.uniformTwin(dx + BATCH * w.inputSize(), -1, 1);
            pair.onBoth((backend, side) -> {
                Memory a = side.apply(arena);
                backend.depthwiseConv2d(w, BATCH, a, x, a, kernel, a, y);
                backend.depthwiseConv2dBackward(w, BATCH, a, x, a, kernel, a, dy, a, dKernel, a, dx);
            });
            pair.assertMatches(arena, "depthwiseConv2d " + w);
        }
    }

    private static final Window2D PADDED_POOL = Window2D.input(7, 6, 4).window(3, 2).strides(2, 2).padding(1, 0)
            .output(4, 3, 4);
    private static final Window2D OVERLAPPING_POOL = Window2D.input(5, 5, 3).window(3, 3).output(3, 3, 3); // gradients add up
    // The CNN sample's first pooling: enough values that a backend may split them over threads.
    private static final Window2D SAMPLE_POOL = Window2D.input(26, 26, 32).window(2, 2).strides(2, 2).output(13, 13, 32);
    // Disjoint windows that leave inputs unread, whose gradient is zero: the sample's second pooling
    // (its last row and column), and padded windows with gaps between them (rows 1 and 4).
    private static final Window2D LEFTOVER_POOL = Window2D.input(11, 11, 64).window(2, 2).strides(2, 2).output(5, 5, 64);
    private static final Window2D GAPPED_POOL = Window2D.input(5, 7, 3).window(2, 2).strides(3, 2).padding(1, 1)
            .output(2, 4, 3);

    @ParameterizedTest
    @EnumSource(PoolingKind.class)
    void pooling(PoolingKind kind) {
        for (Window2D w : new Window2D[] {PADDED_POOL, OVERLAPPING_POOL, SAMPLE_POOL, LEFTOVER_POOL, GAPPED_POOL}) {
            poolingForwardAndBackward(kind, w, null);
        }
    }

    /**
     * Max pooling after ReLU, as in the CNN sample: windows of zeros tie, and the whole gradient
     * goes to the first of the tied positions (every position of a window taking it would pass the
     * test above, whose uniform inputs never tie).
     */
    @Test
    void maxPoolingGivesATiedWindowsGradientToItsFirstMaximum() {
        ActivationFunction relu = ActivationFunction.of(Activation.Kind.RELU);
        for (Window2D w : new Window2D[] {OVERLAPPING_POOL, SAMPLE_POOL, LEFTOVER_POOL}) {
            poolingForwardAndBackward(PoolingKind.MAX, w, relu);
        }
    }

    /** Pooling and its backward over uniform inputs, first passed through {@code before} unless it is null. */
    private void poolingForwardAndBackward(PoolingKind kind, Window2D w, ActivationFunction before) {
        int x = 3;
        int y = x + BATCH * w.inputSize();
        int dy = y + BATCH * w.outputSize();
        int dx = dy + BATCH * w.outputSize();
        Twin arena = pair.uniformTwin(dx + BATCH * w.inputSize(), -1, 1);
        pair.onBoth((backend, side) -> {
            Memory a = side.apply(arena);
            if (before != null) {
                backend.biasActivation(before, BATCH, w.inputSize(), a, x, null, 0, a, x);
            }
            backend.pool2d(kind, w, BATCH, a, x, a, y);
            backend.pool2dBackward(kind, w, BATCH, a, x, a, dy, a, dx);
        });
        pair.assertMatches(arena, kind + " pooling " + (before == null ? "" : "after " + before + " ") + w);
    }

    @Test
    void zeroPadding() {
        Window2D w = Window2D.input(4, 3, 2).padding(1, 2).output(7, 5, 2);
        int x = 1;
        int y = x + BATCH * w.inputSize();
        int dx = y + BATCH * w.outputSize();
        Twin arena = pair.uniformTwin(dx + BATCH * w.inputSize(), -1, 1);
        pair.onBoth((backend, side) -> {
                Memory a = side.apply(arena);
            backend.zeroPad2d(w, BATCH, a, x, a, y);
            backend.zeroPad2dBackward(w, BATCH, a, y, a, dx);
        });
        pair.assertMatches(arena, "zero padding");
    }
}
