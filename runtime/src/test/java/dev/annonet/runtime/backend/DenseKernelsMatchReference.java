package dev.annonet.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.BackendPair.Twin;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dense-family kernel of a fast backend against the reference backend on the same random
 * float inputs: relative error below 1e-4. Operands sit at offsets inside shared memories, as
 * generated code lays out its arena. Each fast backend's test nests a subclass that names it.
 */
public abstract class DenseKernelsMatchReference {

    private final Backend fast = CheckedBackend.wrap(newFastBackend());
    private final BackendPair pair = new BackendPair(fast, 1234);

    /** The backend under test, new for each test. */
    protected abstract Backend newFastBackend();

    @AfterEach
    void close() {
        pair.close();
    }

    // ---- data movement ------------------------------------------------------------------------

    @Test
    void dataMovement() {
        Twin memory = pair.uniformTwin(50, -1, 1);
        pair.onBoth((backend, side) -> {
            backend.copy(side.apply(memory), 0, side.apply(memory), 5, 20); // overlapping, forwards
            backend.copy(side.apply(memory), 30, side.apply(memory), 25, 20); // overlapping, backwards
            backend.fill(side.apply(memory), 45, 3, 2.5f);
            backend.upload(new float[] {7, 8, 9}, 1, side.apply(memory), 48, 2);
        });
        pair.assertMatches(memory, "copy, fill, upload");
    }

    @Test
    void gatherRowsInAnOrder() {
        Twin source = pair.uniformTwin(7 * 5, -1, 1);
        Twin order = pair.twin(new float[6]);
        Twin target = pair.uniformTwin(2 + 5 * 5, -1, 1);
        pair.onBoth((backend, side) -> {
            backend.uploadIndices(new int[] {8, 9, 6, 0, 3, 3, 2}, 1, side.apply(order), 0, 6); // offset 1: rows 6, 0, 3, 3, 2
            backend.gatherRows(5, 5, side.apply(source), side.apply(order), 1, side.apply(target), 2);
        });
        pair.assertMatches(target, "gathered rows");
    }

    @Test
    void gatherRowsReadsRowNumbersAboveTwoToThe24Exactly() {
        int rows = (1 << 24) + 2; // rows of one value: 64 MiB of floats
        Memory source = fast.allocate(rows);
        fast.upload(new float[] {1f, 2f}, 0, source, (1 << 24), 2);
        Memory indices = fast.allocate(2);
        // As floats, 2^24 + 1 would round to 2^24 and gather the wrong row.
        fast.uploadIndices(new int[] {(1 << 24) + 1, 1 << 24}, 0, indices, 0, 2);
        Memory target = fast.allocate(2);
        fast.gatherRows(2, 1, source, indices, 0, target, 0);
        float[] gathered = new float[2];
        fast.download(target, 0, gathered, 0, 2);
        assertArrayEquals(new float[] {2f, 1f}, gathered);
        fast.release(source);
    }

    @Test
    void aReleasedMemoryIsRefused() {
        Memory memory = fast.allocate(4);
        fast.release(memory);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> fast.fill(memory, 0, 4, 1f));
        assertTrue(e.getMessage().contains("released"), e.getMessage());
    }

    // ---- dense --------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void matmulAtOffsetsInOneMemory(boolean transposeA, boolean transposeB) {
        for (int[] mnk : new int[][] {{7, 5, 9}, {64, 48, 33}, {1, 48, 33}}) { // one row: the matrix-vector path
            int m = mnk[0];
            int n = mnk[1];
            int k = mnk[2];
            int aOffset = 3;
            int bOffset = aOffset + m * k + 1;
            int cOffset = bOffset + k * n + 2;
            for (boolean accumulate : new boolean[] {false, true}) {
                Twin arena = pair.uniformTwin(cOffset + m * n + 4, -1, 1);
                pair.onBoth((backend, side) -> backend.matmul(transposeA, transposeB, m, n, k, side.apply(arena), aOffset,
                        side.apply(arena), bOffset, side.apply(arena), cOffset, accumulate));
                pair.assertMatches(arena, m + "×" + n + "×" + k + " accumulate=" + accumulate);
            }
        }
    }

    /**
     * A first layer's products, x · W and xᵀ · dy, with x mostly zeros (as MNIST's pixels are) and
     * large enough that the CPU backend computes them from x's nonzeros; also half-dense, which it
     * leaves to sgemm; and one sample's row. 200 output columns: three blocks of 64 and a
     * remainder; 130 inputs: a remainder after eight-wide listing; one row of x all zeros.
     */
    @ParameterizedTest
    @CsvSource({"false, 0.2, 96", "true, 0.2, 96", "false, 0.5, 96", "true, 0.5, 96", "false, 0.2, 1"})
    void matmulOfAMostlyZeroLeftOperand(boolean transposeA, double density, int m) {
        int n = 200;
        int k = 130;
        float[] a = pair.uniform(m * k, -1, 1);
        for (int i = 0; i < a.length; i++) {
            if (pair.random().nextDouble() >= density || (m > 1 && i < k)) {
                a[i] = 0;
            }
        }
        Twin left = pair.twin(a);
        Twin right = pair.uniformTwin(2 + k * n, -1, 1);
        for (boolean accumulate : new boolean[] {false, true}) {
            Twin product = pair.uniformTwin(1 + m * n, -1, 1);
            pair.onBoth((backend, side) -> backend.matmul(transposeA, false, m, n, k, side.apply(left), 0, side.apply(right), 2,
                    side.apply(product), 1, accumulate));
            pair.assertMatches(product, (transposeA ? "aᵀ·b" : "a·b") + " at density " + density + " accumulate=" + accumulate);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#activations")
    void biasActivationAndBackward(ActivationFunction f) {
        int rows = 9;
        int cols = 13;
        int count = rows * cols;
        // arena: [pad 3 | z | bias | y | dy | dz]
        int z = 3;
        int bias = z + count;
        int y = bias + cols;
        int dy = y + count;
        int dz = dy + count;
        Twin arena = pair.uniformTwin(dz + count, -3, 3);
        pair.onBoth((backend, side) -> {
            Memory a = side.apply(arena);
            backend.biasActivation(f, rows, cols, a, z, a, bias, a, y);
            backend.activationBackward(f, rows, cols, a, z, a, y, a, dy, a, dz);
        });
        pair.assertMatches(arena, f + " with bias, backward");
        pair.onBoth((backend, side) -> {
            Memory a = side.apply(arena);
            backend.biasActivation(f, rows, cols, a, z, null, 0, a, y);
            backend.activationBackward(f, rows, cols, a, z, a, y, a, dy, a, dy);
        });
        pair.assertMatches(arena, f + " without bias, backward in place");
    }

    /**
     * A dense layer's forward pass and parameter gradients through the calls a backend may fuse,
     * with and without a bias: in separate memories (aligned as allocated) and at odd offsets in
     * one arena (4-byte aligned, which a fused GEMM may not take). z is compared where the contract
     * promises it (every activation but a plain ReLU); dz comes from activationBackward, which reads
     * y for a plain ReLU.
     */
    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#activations")
    void denseForwardAndParameterGradients(ActivationFunction f) {
        for (int[] shape : new int[][] {{9, 13, 7}, {64, 33, 48}}) {
            int rows = shape[0];
            int in = shape[1];
            int out = shape[2];
            for (boolean withBias : new boolean[] {true, false}) {
                for (int pad : new int[] {-1, 3}) {
                    DenseOperands operands = new DenseOperands(pair, rows, in, out, pad);
                    String what = f + " " + rows + "×" + in + "×" + out + (withBias ? "" : " without bias")
                            + (pad < 0 ? " in separate memories" : " in one arena at odd offsets");
                    pair.onBoth((backend, side) -> {
                        operands.forward(backend, side, f, withBias);
                        operands.backward(backend, side, f);
                    });
                    operands.assertMatch(pair, f, what);
                }
            }
        }
    }

    /** Operands of a dense layer: each in a memory of its own (pad < 0), or one arena with pad values between them. */
    private static final class DenseOperands {
        private final int rows;
        private final int in;
        private final int out;
        private final Twin x;
        private final Twin w;
        private final Twin bias;
        private final Twin z;
        private final Twin y;
        private final Twin dy;
        private final Twin dz;
        private final Twin dw;
        private final Twin dbias;
        private final int[] offsets;

        DenseOperands(BackendPair pair, int rows, int in, int out, int pad) {
            this.rows = rows;
            this.in = in;
            this.out = out;
            int[] sizes = {rows * in, in * out, out, rows * out, rows * out, rows * out, rows * out, in * out, out};
            offsets = new int[sizes.length];
            Twin[] twins = new Twin[sizes.length];
            if (pad < 0) {
                for (int i = 0; i < sizes.length; i++) {
                    twins[i] = pair.uniformTwin(sizes[i], -1, 1);
                }
            } else {
                int next = pad;
                for (int i = 0; i < sizes.length; i++) {
                    offsets[i] = next;
                    next += sizes[i] + pad;
                }
                Twin arena = pair.uniformTwin(next, -1, 1);
                Arrays.fill(twins, arena);
            }
            x = twins[0];
            w = twins[1];
            bias = twins[2];
            z = twins[3];
            y = twins[4];
            dy = twins[5];
            dz = twins[6];
            dw = twins[7];
            dbias = twins[8];
        }

        void forward(Backend backend, Function<Twin, Memory> side, ActivationFunction f, boolean withBias) {
            backend.denseForward(f, rows, in, out, side.apply(x), offsets[0], side.apply(w), offsets[1],
                    withBias ? side.apply(bias) : null, offsets[2], side.apply(z), offsets[3], side.apply(y), offsets[4]);
        }

        void backward(Backend backend, Function<Twin, Memory> side, ActivationFunction f) {
            backend.activationBackward(f, rows, out, side.apply(z), offsets[3], side.apply(y), offsets[4], side.apply(dy),
                    offsets[5], side.apply(dz), offsets[6]);
            backend.denseParameterGradients(rows, in, out, side.apply(x), offsets[0], side.apply(dz), offsets[6],
                    side.apply(dw), offsets[7], side.apply(dbias), offsets[8]);
        }

        void assertMatch(BackendPair pair, ActivationFunction f, String what) {
            boolean plainRelu = f.equals(ActivationFunction.of(Activation.Kind.RELU));
            if (!plainRelu) {
                pair.assertMatchesInNorm(z, what + ": z", offsets[3], rows * out);
            }
            pair.assertMatchesInNorm(y, what + ": y", offsets[4], rows * out);
            pair.assertMatchesInNorm(dz, what + ": dz", offsets[6], rows * out);
            pair.assertMatchesInNorm(dw, what + ": dw", offsets[7], in * out);
            pair.assertMatchesInNorm(dbias, what + ": dbias", offsets[8], out);
        }
    }

    /** NaN stays NaN where the reference keeps it, also in vectorized exp, sigmoid and tanh. */
    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#activations")
    void nanIsCarriedAsTheReferenceCarriesIt(ActivationFunction f) {
        int rows = 3;
        int cols = 24;
        float[] values = pair.uniform(rows * cols, -3, 3);
        for (int i = 0; i < values.length; i += 7) {
            values[i] = Float.NaN;
        }
        Twin z = pair.twin(values);
        Twin y = pair.twin(new float[rows * cols]);
        pair.onBoth((backend, side) -> backend.biasActivation(f, rows, cols, side.apply(z), 0, null, 0, side.apply(y), 0));
        float[][] results = pair.download(y, 0, rows * cols);
        for (int i = 0; i < rows * cols; i++) {
            assertEquals(Float.isNaN(results[1][i]), Float.isNaN(results[0][i]),
                    f + "[" + i + "]: reference " + results[1][i] + ", " + fast.name() + " " + results[0][i]);
        }
    }

    /** Enough rows that a backend may split them over threads (the CPU kernels do past 32,768 values). */
    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#activations")
    void biasActivationAndBackwardOverManyRows(ActivationFunction f) {
        int rows = 301;
        int cols = 130;
        Twin z = pair.uniformTwin(rows * cols, -3, 3);
        Twin bias = pair.uniformTwin(cols, -1, 1);
        Twin y = pair.twin(new float[rows * cols]);
        Twin dy = pair.uniformTwin(rows * cols, -1, 1);
        Twin dz = pair.twin(new float[rows * cols]);
        pair.onBoth((backend, side) -> {
            backend.biasActivation(f, rows, cols, side.apply(z), 0, side.apply(bias), 0, side.apply(y), 0);
            backend.activationBackward(f, rows, cols, side.apply(z), 0, side.apply(y), 0, side.apply(dy), 0, side.apply(dz), 0);
        });
        pair.assertMatches(z, f + ": z + bias over " + rows + " rows");
        pair.assertMatches(y, f + " over " + rows + " rows");
        pair.assertMatches(dz, f + " backward over " + rows + " rows");
    }

    /**
     * A plain ReLU as the planner runs it where nothing else reads z: y written over z, and
     * backward given y for z and writing dz over dy, gives each backend exactly what the calls
     * on separate memories give (relu' from y is relu' from z), also for NaN, ±0 and ±∞, over
     * enough rows to split them over threads.
     */
    @ParameterizedTest
    @CsvSource({"true", "false"})
    void plainReluInPlaceGivesWhatItGivesApart(boolean withBias) {
        ActivationFunction relu = ActivationFunction.of(Activation.Kind.RELU);
        int rows = 301;
        int cols = 130;
        float[] values = pair.uniform(rows * cols, -3, 3);
        float[] specials = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < values.length; i += 11) {
            values[i] = specials[i / 11 % specials.length];
        }
        float[] gradient = pair.uniform(rows * cols, -1, 1);
        Twin bias = withBias ? pair.uniformTwin(cols, -1, 1) : null;
        Twin z = pair.twin(values);
        Twin y = pair.twin(new float[values.length]);
        Twin dy = pair.twin(gradient);
        Twin dz = pair.twin(new float[values.length]);
        Twin zy = pair.twin(values);
        Twin dzy = pair.twin(gradient);
        pair.onBoth((backend, side) -> {
            Memory b = bias == null ? null : side.apply(bias);
            backend.biasActivation(relu, rows, cols, side.apply(z), 0, b, 0, side.apply(y), 0);
            backend.activationBackward(relu, rows, cols, side.apply(z), 0, side.apply(y), 0, side.apply(dy), 0, side.apply(dz), 0);
            backend.biasActivation(relu, rows, cols, side.apply(zy), 0, b, 0, side.apply(zy), 0);
            backend.activationBackward(relu, rows, cols, side.apply(zy), 0, side.apply(zy), 0, side.apply(dzy), 0,
                    side.apply(dzy), 0);
        });
        float[][] apart = pair.download(y, 0, values.length);
        float[][] inPlace = pair.download(zy, 0, values.length);
        float[][] gradientApart = pair.download(dz, 0, values.length);
        float[][] gradientInPlace = pair.download(dzy, 0, values.length);
        String[] sides = {fast.name(), "reference"};
        for (int side = 0; side < 2; side++) {
            assertArrayEquals(apart[side], inPlace[side], "y on " + sides[side]);
            assertArrayEquals(gradientApart[side], gradientInPlace[side], "dz on " + sides[side]);
        }
    }

    @Test
    void softmaxOfLargeLogits() {
        Twin z = pair.uniformTwin(4 * 10, -1000, 1000);
        Twin y = pair.twin(new float[4 * 10]);
        pair.onBoth((backend, side) -> backend.biasActivation(ActivationFunction.of(Activation.Kind.SOFTMAX), 4, 10,
                side.apply(z), 0, null, 0, side.apply(y), 0));
        pair.assertMatches(y, "softmax of ±1000");
    }

    @Test
    void linearInPlace() {
        Twin z = pair.uniformTwin(12, -1, 1);
        Twin bias = pair.uniformTwin(4, -1, 1);
        pair.onBoth((backend, side) -> backend.biasActivation(ActivationFunction.of(Activation.Kind.LINEAR), 3, 4,
                side.apply(z), 0, side.apply(bias), 0, side.apply(z), 0));
        pair.assertMatches(z, "z + bias in place");
    }

    @Test
    void columnSums() {
        Twin arena = pair.uniformTwin(5 + 33 * 17 + 17, -1, 1);
        pair.onBoth((backend, side) -> backend.columnSums(33, 17, side.apply(arena), 5, side.apply(arena), 5 + 33 * 17));
        pair.assertMatches(arena, "column sums");
    }

    /**
     * Shapes that make a GPU split the rows over blocks: the CNN's first bias gradient at batch 128,
     * columns that do not divide a block's 256 threads, more columns than threads, and more columns
     * than its partial sums have room for. Compared in norm: the CPU backend adds 86,528 rows in float.
     */
    @ParameterizedTest
    @CsvSource({"86528, 32", "20000, 10", "700, 300", "3, 140000"})
    void columnSumsOverManyRows(int rows, int cols) {
        Twin arena = pair.uniformTwin(rows * cols + cols, -1, 1);
        pair.onBoth((backend, side) -> backend.columnSums(rows, cols, side.apply(arena), 0, side.apply(arena), rows * cols));
        pair.assertMatchesInNorm(arena, "column sums of " + rows + " rows", rows * cols, cols);
    }

    // ---- dropout ------------------------------------------------------------------------------

    @Test
    void dropoutAndBackward() {
        Twin arena = pair.uniformTwin(2000, -1, 1);
        pair.onBoth((backend, side) -> {
            Memory a = side.apply(arena);
            backend.dropout(0.3, 17, 4, 900, a, 10, a, 1000);
            backend.dropoutBackward(0.3, 17, 4, 900, a, 1000, a, 1000);
        });
        pair.assertMatches(arena, "dropout forward, then backward in place");
    }

    /**
     * A count past a multiple of eight, large enough that a backend may split it over threads (the
     * CPU kernels do), with a seed and a step whose high words count (as a model's derived seeds do).
     */
    @Test
    void dropoutOverManyValues() {
        int count = 70_001;
        long seed = 0x9E3779B97F4A7C15L;
        long step = (5L << 32) + 11;
        Twin x = pair.uniformTwin(count, -1, 1);
        Twin y = pair.uniformTwin(count + 3, 2, 3); // values dropout must leave alone past count
        pair.onBoth((backend, side) -> backend.dropout(0.5, seed, step, count, side.apply(x), 0, side.apply(y), 0));
        pair.assertMatches(y, "dropout over " + count + " values, and nothing after them");
    }

    // ---- losses and metrics -------------------------------------------------------------------

    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#losses")
    void losses(LossKind kind, boolean fused) {
        int rows = 16;
        int cols = 10;
        float[] outputs = fused ? pair.uniform(rows * cols, -20, 20) : pair.uniform(rows * cols, 0, 1);
        outputs[0] = 0; // clipped
        outputs[1] = 1;
        Twin output = pair.twin(outputs);
        Twin targets = pair.twin(targets(kind, rows, cols));
        Twin gradient = pair.twin(new float[rows * cols]);
        pair.assertSameResult(kind + " loss", (backend, side) -> backend.loss(kind, fused, rows, cols,
                side.apply(output), 0, side.apply(output), 0, side.apply(targets), 0,
                side.apply(gradient), 0, 1f / rows));
        pair.assertMatches(gradient, kind + " gradient");
        pair.assertSameResult(kind + " loss value", (backend, side) -> backend.lossValue(kind, fused, rows, cols,
                side.apply(output), 0, side.apply(output), 0, side.apply(targets), 0));
    }

    /** Sample weights, one a row (zeros among them), at an offset into their buffer. */
    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#losses")
    void weightedLosses(LossKind kind, boolean fused) {
        int rows = 16;
        int cols = 10;
        float[] outputs = fused ? pair.uniform(rows * cols, -20, 20) : pair.uniform(rows * cols, 0, 1);
        Twin output = pair.twin(outputs);
        Twin targets = pair.twin(targets(kind, rows, cols));
        float[] weightValues = pair.uniform(rows + 2, 0, 3);
        weightValues[5] = 0;
        Twin weights = pair.twin(weightValues);
        Twin gradient = pair.twin(new float[rows * cols]);
        pair.assertSameResult(kind + " weighted loss", (backend, side) -> backend.loss(kind, fused, rows, cols,
                side.apply(output), 0, side.apply(output), 0, side.apply(targets), 0, side.apply(weights), 2,
                side.apply(gradient), 0, 1f / rows));
        pair.assertMatches(gradient, kind + " weighted gradient");
        pair.assertSameResult(kind + " weighted loss value", (backend, side) -> backend.lossValue(kind, fused, rows, cols,
                side.apply(output), 0, side.apply(output), 0, side.apply(targets), 0, side.apply(weights), 2));
    }

    private float[] targets(LossKind kind, int rows, int cols) {
        if (kind == LossKind.SPARSE_CATEGORICAL_CROSSENTROPY) {
            float[] labels = new float[rows];
            for (int r = 0; r < rows; r++) {
                labels[r] = pair.random().nextInt(cols);
            }
            return labels;
        }
        return pair.uniform(rows * cols, 0, 1);
    }

    @ParameterizedTest
    @CsvSource({"CATEGORICAL", "SPARSE_CATEGORICAL", "BINARY"})
    void countCorrect(AccuracyKind kind) {
        int rows = 50;
        int cols = 4;
        Twin y = pair.uniformTwin(rows * cols, 0, 1);
        Twin targets = kind == AccuracyKind.SPARSE_CATEGORICAL
                ? pair.twin(targets(LossKind.SPARSE_CATEGORICAL_CROSSENTROPY, rows, cols))
                : pair.uniformTwin(rows * cols, 0, 1);
        pair.assertSameResult(kind + " correct", (backend, side) ->
                backend.countCorrect(kind, rows, cols, side.apply(y), 0, side.apply(targets), 0));
    }

    // ---- optimizers ---------------------------------------------------------------------------

    /**
     * Three steps with fresh gradients; weights and optimizer state compared after each. Every rule
     * (the switch makes a new one a compile error here until it is tested), SGD with and without momentum.
     */
    @ParameterizedTest
    @EnumSource(UpdateRule.Kind.class)
    void optimizers(UpdateRule.Kind kind) {
        UpdateRule[] rules = switch (kind) {
            case SGD -> new UpdateRule[] {new UpdateRule.Sgd(0, false), new UpdateRule.Sgd(0.9f, false),
                new UpdateRule.Sgd(0.9f, true)};
            case RMSPROP -> new UpdateRule[] {new UpdateRule.RmsProp(0.9f, 1e-7f)};
            case ADAM -> new UpdateRule[] {new UpdateRule.Adam(0.9f, 0.999f, 1e-7f)};
        };
        for (UpdateRule rule : rules) {
            int count = 300;
            Twin weights = pair.uniformTwin(count, -1, 1);
            Twin first = pair.twin(new float[count]);
            Twin second = pair.twin(new float[count]);
            float rate = kind == UpdateRule.Kind.SGD ? 0.1f : 0.01f;
            for (int t = 1; t <= 3; t++) {
                long step = t;
                Twin gradients = pair.uniformTwin(count, -1, 1);
                pair.onBoth((backend, side) -> backend.update(rule, count, side.apply(weights), side.apply(gradients),
                        side.apply(first), side.apply(second), rate, step));
                pair.assertMatches(weights, rule + " weights, step " + t);
                pair.assertMatches(first, rule + " state, step " + t);
                pair.assertMatches(second, rule + " second state, step " + t);
            }
        }
    }
}
