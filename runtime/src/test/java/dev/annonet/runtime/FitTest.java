package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.ActivationFunction;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Keras's fit and evaluate semantics, on every backend. */
class FitTest {

    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor());
    }

    @ParameterizedTest
    @MethodSource("devices")
    void separableBlobsAreLearnedCompletely(Device device) {
        int[] labels = new int[150];
        Tensor x = TestData.threeBlobs(labels);
        Tensor y = Labels.oneHot(labels, 3);
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 42, 2, 16, 3, 0.1)) {
            model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            History history = model.fit(x, y, Fit.options().batchSize(16).epochs(30).verbose(0));
            assertEquals(30, history.epochs());
            assertEquals(30, history.epochSeconds().size());
            assertTrue(history.epochSeconds().stream().allMatch(seconds -> seconds > 0), history.epochSeconds().toString());
            List<Double> loss = history.get("loss");
            assertTrue(loss.get(29) < loss.get(0) / 4, loss.toString());
            Evaluation score = model.evaluate(x, y);
            assertEquals(1.0, score.get("accuracy"), score.toString());
            assertArrayEquals(labels, Labels.argmax(model.predict(x)));
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void xorIsLearnedWithSparseLabels(Device device) {
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 3, 2, 8, 2, 0)) {
            model.compile(Optimizers.adam(0.05f), Losses.sparseCategoricalCrossentropy(), Metrics.accuracy());
            model.fit(TestData.xorInputs(), Labels.sparse(TestData.XOR_LABELS), Fit.options().batchSize(4).epochs(200).verbose(0));
            assertArrayEquals(TestData.XOR_LABELS, Labels.argmax(model.predict(TestData.xorInputs())));
            assertEquals(1.0, model.evaluate(TestData.xorInputs(), Labels.sparse(TestData.XOR_LABELS)).get("accuracy"));
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void aLineIsFitWithMeanSquaredError(Device device) {
        float[] xs = new float[20];
        float[] ys = new float[20];
        for (int i = 0; i < 20; i++) {
            xs[i] = i / 10f - 1;
            ys[i] = 2 * xs[i] + 1;
        }
        try (HandScheduledDense model = HandScheduledDense.create(device, 5, 1, 1, ActivationFunction.of(Activation.Kind.LINEAR), true)) {
            model.compile(Optimizers.sgd(0.1f, 0.9f, true), Losses.meanSquaredError());
            History history = model.fit(Tensor.of(xs, 20, 1), Tensor.of(ys, 20, 1), Fit.options().batchSize(5).epochs(60).verbose(0));
            assertEquals(List.of("loss"), List.copyOf(history.history().keySet()));
            assertEquals(2, model.out().kernel().get(0, 0), 1e-3);
            assertEquals(1, model.out().bias().get(0), 1e-3);
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void logisticRegressionWithBinaryCrossentropy(Device device) {
        int[] labels = new int[100];
        Tensor x = TestData.blobs(new float[][] {{-1, -1}, {1, 1}}, 50, 0.6, 4, labels);
        float[] targets = new float[100];
        for (int i = 0; i < 100; i++) {
            targets[i] = labels[i];
        }
        try (HandScheduledDense model = HandScheduledDense.create(device, 5, 2, 1, ActivationFunction.of(Activation.Kind.SIGMOID), true)) {
            model.compile(Optimizers.rmsprop(0.05f), Losses.binaryCrossentropy(), Metrics.accuracy());
            History history = model.fit(x, Tensor.of(targets, 100, 1), Fit.options().batchSize(10).epochs(20).verbose(0));
            assertEquals(1.0, history.get("accuracy").get(19));
        }
    }

    @Test
    void fitIsDeterministicForASeed() {
        int[] labels = new int[150];
        Tensor x = TestData.threeBlobs(labels);
        Tensor y = Labels.oneHot(labels, 3);
        History first;
        float[] firstKernel;
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 9, 2, 8, 3, 0.3)) {
            model.compile(Optimizers.adam(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            first = model.fit(x, y, Fit.options().epochs(3).verbose(0).validationData(x, y));
            firstKernel = model.hidden().kernel().toArray();
        }
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 9, 2, 8, 3, 0.3)) {
            model.compile(Optimizers.adam(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            History second = model.fit(x, y, Fit.options().epochs(3).verbose(0).validationData(x, y));
            assertEquals(first.history(), second.history());
            assertArrayEquals(firstKernel, model.hidden().kernel().toArray());
        }
    }

    @Test
    void validationIsEvaluatedAtEachEpochsEnd() {
        int[] labels = new int[150];
        Tensor x = TestData.threeBlobs(labels);
        Tensor y = Labels.oneHot(labels, 3);
        Tensor validationX = TestData.uniform(40, 2, 8);
        Tensor validationY = Labels.oneHot(TestData.labels(40, 3, 8), 3);
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 2, 8, 3, 0.5)) {
            model.compile(Optimizers.sgd(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            History history = model.fit(x, y, Fit.options().batchSize(32).epochs(2).verbose(0)
                    .validationData(validationX, validationY));
            assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(history.history().keySet()));
            assertEquals(2, history.get("val_loss").size());
            // Validation runs without dropout on the epoch's final weights, as evaluate does.
            Evaluation score = model.evaluate(validationX, validationY, 32);
            assertEquals(score.loss(), history.get("val_loss").get(1));
            assertEquals(score.get("accuracy"), history.get("val_accuracy").get(1));
        }
    }

    @Test
    void everyBatchIsTrainedIncludingThePartialLastOne() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 2, 4, 2, 0)) {
            model.compile(Optimizers.sgd(), Losses.sparseCategoricalCrossentropy());
            model.fit(TestData.uniform(10, 2, 1), Labels.sparse(TestData.labels(10, 2, 1)), Fit.options().batchSize(4).epochs(2).verbose(0));
            assertEquals(6, model.step());
            History none = model.fit(TestData.uniform(10, 2, 1), Labels.sparse(TestData.labels(10, 2, 1)), Fit.options().epochs(0).verbose(0));
            assertEquals(0, none.epochs());
            assertEquals(6, model.step());
        }
    }

    @Test
    void epochLossIsTheSampleWeightedMeanOfItsBatches() {
        // Without learning (SGD, learning rate ~0) and dropout, the epoch's loss is the data's loss.
        Tensor x = TestData.uniform(10, 3, 2);
        Tensor y = Labels.oneHot(TestData.labels(10, 4, 2), 4);
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 3, 5, 4, 0)) {
            model.compile(Optimizers.sgd(Float.MIN_VALUE), Losses.categoricalCrossentropy(), Metrics.accuracy());
            History history = model.fit(x, y, Fit.options().batchSize(4).epochs(1).verbose(0).shuffle(false));
            Evaluation score = model.evaluate(x, y, 10);
            assertEquals(score.loss(), history.get("loss").get(0), 1e-12);
            assertEquals(score.get("accuracy"), history.get("accuracy").get(0), 1e-12);
        }
    }

    @Test
    void adamsFirstUpdateMovesEachWeightByTheLearningRate() {
        // With t = 1, Adam's bias correction makes the first step lr · g / |g| per weight.
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 3, 5, 4, 0)) {
            Tensor x = TestData.uniform(8, 3, 3);
            Tensor y = Labels.oneHot(TestData.labels(8, 4, 3), 4);
            for (int compile = 0; compile < 2; compile++) {
                model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy());
                float[] before = model.output().kernel().toArray();
                model.fit(x, y, Fit.options().batchSize(8).verbose(0));
                float[] after = model.output().kernel().toArray();
                for (int i = 0; i < before.length; i++) {
                    assertEquals(0.01, Math.abs(after[i] - before[i]), 1e-4, "weight " + i);
                }
            }
        }
    }

    @Test
    void evaluationReadsLikeKeras() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 2, 4, 2, 0)) {
            model.compile(Optimizers.sgd(), Losses.sparseCategoricalCrossentropy(), Metrics.accuracy());
            Evaluation score = model.evaluate(new float[][] {{0, 0}, {1, 1}}, new float[][] {{0}, {1}});
            assertEquals(List.of("loss", "accuracy"), List.copyOf(score.asMap().keySet()));
            assertEquals(score.loss(), score.get("loss"));
            assertTrue(score.toString().matches("loss: \\d\\.\\d{4} - accuracy: (0\\.0000|0\\.5000|1\\.0000)"), score.toString());
        }
    }
}
