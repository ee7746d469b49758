package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every mistake with data or options fails before anything changes, saying what was expected. */
class BadInputTest {
    private static final Tensor X = TestData.uniform(4, 2, 1);
    private static final Tensor Y = Labels.oneHot(new int[] {0, 1, 2, 1}, 3);

    private HandScheduledMlp model;

    @BeforeEach
    void createModel() {
        model = HandScheduledMlp.create(Device.reference(), 1, 2, 4, 3, 0.5);
    }

    @AfterEach
    void closeModel() {
        model.close();
    }

    @Test
    void fitAndEvaluateNeedCompileFirst() {
        assertEquals("call compile(...) before fit", assertThrows(IllegalStateException.class,
                () -> model.fit(X, Y, Fit.options())).getMessage());
        assertEquals("call compile(...) before evaluate", assertThrows(IllegalStateException.class,
                () -> model.evaluate(X, Y)).getMessage());
    }

    @Test
    void wrongInputSize() {
        compile();
        assertRejected("x: input 'image' takes 2 values per sample (shape (None, 2)), but x has shape [4, 3], 3 values per sample",
                () -> model.fit(TestData.uniform(4, 3, 1), Y, Fit.options().verbose(0)));
        assertRejected("x: input 'image' takes 2 values per sample (shape (None, 2)), but x has shape [4, 3], 3 values per sample",
                () -> model.predict(TestData.uniform(4, 3, 1)));
    }

    @Test
    void sampleCountMismatch() {
        compile();
        assertRejected("y has 3 samples, but its inputs have 4",
                () -> model.fit(X, Labels.oneHot(new int[] {0, 1, 2}, 3), Fit.options().verbose(0)));
    }

    @Test
    void targetSizeMismatch() {
        compile();
        assertRejected("y: expected 3 values per sample (one-hot rows (Labels.oneHot) for output 'output' of shape (None, 3) "
                        + "with categorical_crossentropy), but y has shape [4, 1], 1 values per sample",
                () -> model.fit(X, Labels.sparse(new int[] {0, 1, 2, 1}), Fit.options().verbose(0)));
        model.compile(Optimizers.sgd(), Losses.sparseCategoricalCrossentropy());
        assertRejected("y: expected 1 values per sample (one class index per row of output 'output' of shape (None, 3) "
                        + "for sparse_categorical_crossentropy), but y has shape [4, 3], 3 values per sample",
                () -> model.evaluate(X, Y));
    }

    @Test
    void sparseTargetsOutsideTheClasses() {
        model.compile(Optimizers.sgd(), Losses.sparseCategoricalCrossentropy());
        assertRejected("y holds 3.0 at index 2, but sparse targets are class indices in [0, 3)",
                () -> model.fit(X, Labels.sparse(new int[] {0, 1, 3, 1}), Fit.options().verbose(0)));
        assertRejected("y holds 0.5 at index 0, but sparse targets are class indices in [0, 3)",
                () -> model.evaluate(X, Tensor.of(new float[] {0.5f, 1, 1, 1}, 4, 1)));
    }

    @Test
    void emptyDataSet() {
        compile();
        assertRejected("x holds no samples; at least one is needed",
                () -> model.fit(Tensor.of(new float[0], 0, 2), Tensor.of(new float[0], 0, 3), Fit.options().verbose(0)));
        assertRejected("x holds no samples; at least one is needed",
                () -> model.evaluate(Tensor.of(new float[0], 0, 2), Tensor.of(new float[0], 0, 3)));
    }

    @Test
    void nonPositiveBatchSizeAndNegativeEpochs() {
        compile();
        assertEquals("batchSize must be positive, was 0",
                assertThrows(IllegalArgumentException.class, () -> Fit.options().batchSize(0)).getMessage());
        assertEquals("epochs must be 0 or more, was -1",
                assertThrows(IllegalArgumentException.class, () -> Fit.options().epochs(-1)).getMessage());
        assertEquals("verbose must be 0, 1 or 2, was 3",
                assertThrows(IllegalArgumentException.class, () -> Fit.options().verbose(3)).getMessage());
        assertRejected("batchSize must be positive, was -5", () -> model.evaluate(X, Y, -5));
    }

    @Test
    void nonFiniteValues() {
        compile();
        float[] withNaN = X.toArray();
        withNaN[3] = Float.NaN;
        assertRejected("x holds NaN at sample 1, value 1; a network takes only finite numbers",
                () -> model.fit(Tensor.of(withNaN, 4, 2), Y, Fit.options().verbose(0)));
        float[] withInfinity = Y.toArray();
        withInfinity[11] = Float.NEGATIVE_INFINITY;
        assertRejected("y holds -Infinity at sample 3, value 2; a network takes only finite numbers",
                () -> model.evaluate(X, Tensor.of(withInfinity, 4, 3)));
    }

    @Test
    void badValidationDataIsRejectedBeforeTraining() {
        compile();
        assertRejected("validation y has 2 samples, but its inputs have 4",
                () -> model.fit(X, Y, Fit.options().verbose(0).validationData(X, Labels.oneHot(new int[] {0, 1}, 3))));
        assertRejected("validation x: input 'image' takes 2 values per sample (shape (None, 2)), but validation x has shape [4, 1], 1 values per sample",
                () -> model.fit(X, Y, Fit.options().verbose(0).validationData(TestData.uniform(4, 1, 1), Y)));
    }

    @Test
    void compileChecksItsArguments() {
        assertThrows(NullPointerException.class, () -> model.compile(null, Losses.meanSquaredError()));
        assertThrows(NullPointerException.class, () -> model.compile(Optimizers.sgd(), null));
        assertEquals("metric 'accuracy' is given twice (Metric.named gives one of them another name)", assertThrows(IllegalArgumentException.class,
                () -> model.compile(Optimizers.sgd(), Losses.meanSquaredError(), Metrics.accuracy(), Metrics.accuracy())).getMessage());
        assertEquals("learning rate must be positive and finite, was -1.0",
                assertThrows(IllegalArgumentException.class, () -> Optimizers.adam(-1)).getMessage());
        assertEquals("momentum must be in [0, 1], was 1.5",
                assertThrows(IllegalArgumentException.class, () -> Optimizers.sgd(0.1f, 1.5f, false)).getMessage());
        assertEquals("rho must be in [0, 1), was 1.0",
                assertThrows(IllegalArgumentException.class, () -> Optimizers.rmsprop(0.1f, 1f, 1e-7f)).getMessage());
    }

    private void compile() {
        model.compile(Optimizers.adam(), Losses.categoricalCrossentropy(), Metrics.accuracy());
    }

    /** Fails with {@code message}, and the weights and step count are as before. */
    private void assertRejected(String message, Executable call) {
        float[] kernel = model.hidden().kernel().toArray();
        long step = model.step();
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
        assertArrayEquals(kernel, model.hidden().kernel().toArray());
        assertEquals(step, model.step());
    }
}
