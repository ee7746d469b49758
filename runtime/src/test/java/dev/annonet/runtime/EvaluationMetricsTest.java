package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.AccuracyKind;
import dev.annonet.runtime.backend.ActivationFunction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The metrics through fit and evaluate: named in History as Keras names them, the validation values
 * those evaluate gives for the same weights, and the confusion matrix agreeing with accuracy.
 */
class EvaluationMetricsTest {

    @Test
    void fitRecordsEveryMetricByItsKerasNameAndValidationMatchesEvaluate() {
        int[] labels = new int[150];
        Tensor x = TestData.threeBlobs(labels);
        Tensor y = Labels.oneHot(labels, 3);
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 3, 2, 8, 3, 0)) {
            model.compile(Optimizers.adam(0.02f), Losses.categoricalCrossentropy(), Metrics.accuracy(),
                    Metrics.topKCategoricalAccuracy(2), Metrics.precision(), Metrics.recall().withClassId(2).named("recall_2"),
                    Metrics.auc());
            History history = model.fit(x, y, Fit.options().batchSize(32).epochs(3).verbose(0).validationData(x, y));
            List<String> names = List.of("loss", "accuracy", "top_k_categorical_accuracy", "precision", "recall_2", "auc");
            assertEquals(names.size() * 2, history.history().size(), history.history().keySet().toString());
            Evaluation score = model.evaluate(x, y, 32);
            assertEquals(names, List.copyOf(score.asMap().keySet()));
            for (String name : names) {
                assertEquals(3, history.get(name).size(), name);
                assertEquals(score.get(name), history.get("val_" + name).get(2), 1e-6, "val_" + name);
            }
            ConfusionMatrix confusion = score.confusionMatrix();
            assertEquals(150, confusion.total());
            long[][] counts = confusion.toArray();
            assertEquals(score.get("accuracy"), (double) (counts[0][0] + counts[1][1] + counts[2][2]) / 150, 1e-12);
            for (int c = 0; c < 3; c++) {
                assertEquals(50, counts[c][0] + counts[c][1] + counts[c][2], "a row holds its true class's samples");
            }
        }
    }

    @Test
    void sparseTargetsCountAsTheirOneHotRows() {
        int[] labels = new int[150];
        Tensor x = TestData.threeBlobs(labels);
        float[] indices = new float[150];
        for (int i = 0; i < 150; i++) {
            indices[i] = labels[i];
        }
        Metric[] metrics = {Metrics.accuracy(), Metrics.precision(), Metrics.recall(), Metrics.auc()};
        try (HandScheduledMlp sparse = HandScheduledMlp.create(Device.reference(), 4, 2, 8, 3, 0);
             HandScheduledMlp oneHot = HandScheduledMlp.create(Device.reference(), 4, 2, 8, 3, 0)) {
            sparse.compile(Optimizers.sgd(), Losses.sparseCategoricalCrossentropy(), metrics);
            oneHot.compile(Optimizers.sgd(), Losses.categoricalCrossentropy(), metrics);
            Evaluation fromIndices = sparse.evaluate(x, Tensor.of(indices, 150, 1), 50);
            Evaluation fromRows = oneHot.evaluate(x, Labels.oneHot(labels, 3), 50);
            assertEquals(fromRows.asMap(), fromIndices.asMap());
            assertEquals(fromRows.confusionMatrix().toString(), fromIndices.confusionMatrix().toString());
        }
    }

    @Test
    void binaryOutputsGiveATwoByTwoMatrixOverEveryValue() {
        int[] labels = new int[100];
        Tensor x = TestData.blobs(new float[][] {{-1, -1}, {1, 1}}, 50, 0.6, 4, labels);
        float[] targets = new float[200];
        for (int i = 0; i < 100; i++) {
            targets[2 * i] = labels[i];
            targets[2 * i + 1] = 1 - labels[i];
        }
        try (HandScheduledDense model = HandScheduledDense.create(Device.cpu(), 5, 2, 2,
                ActivationFunction.of(Activation.Kind.SIGMOID), true)) {
            model.compile(Optimizers.rmsprop(0.05f), Losses.binaryCrossentropy(), Metrics.accuracy());
            Evaluation score = model.evaluate(x, Tensor.of(targets, 100, 2));
            ConfusionMatrix confusion = score.confusionMatrix();
            assertEquals(2, confusion.classes());
            assertEquals(200, confusion.total());
            assertEquals(score.get("accuracy"), (double) (confusion.count(0, 0) + confusion.count(1, 1)) / 200, 1e-12);
            assertEquals(100, confusion.count(1, 0) + confusion.count(1, 1), "100 targets are 1");
        }
    }

    @Test
    void theMatrixReadsAsATable() {
        ConfusionMatrix confusion = new ConfusionMatrix(3);
        float[] outputs = {
            0.8f, 0.1f, 0.1f,
            0.2f, 0.7f, 0.1f,
            0.1f, 0.3f, 0.6f,
            0.4f, 0.4f, 0.2f}; // a tie: the first class is predicted, as accuracy's argmax does
        float[] labels = {9, 0, 1, 1, 2}; // from offset 1
        confusion.add(AccuracyKind.SPARSE_CATEGORICAL, 4, 3, outputs, labels, 1);
        assertEquals(""
                + "true \\ predicted  0  1  2\n"
                + "               0  1  0  0\n"
                + "               1  0  1  1\n"
                + "               2  1  0  0", confusion.toString());
        assertEquals(1, confusion.count(2, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> confusion.count(3, 0));
    }
}
