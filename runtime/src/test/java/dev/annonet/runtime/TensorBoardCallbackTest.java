package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.callbacks.TensorBoard;
import dev.annonet.runtime.tensorboard.PythonEventReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What the TensorBoard callback writes, read back by the independent reader. */
@ExtendWith(PythonEventReader.class)
class TensorBoardCallbackTest {
    private static final Tensor X = TestData.uniform(40, 2, 3);
    private static final Tensor Y = Labels.oneHot(TestData.labels(40, 3, 4), 3);

    @TempDir
    Path logDir;

    @Test
    void writesHistorysValuesTheLearningRateAndEachWeightsHistogram() throws Exception {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 2, 2, 6, 3, 0)) {
            model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            // 40 samples in batches of 16: 3 batches an epoch, 9 in all; batch scalars at 2, 4, 6 and 8.
            History history = model.fit(X, Y, Fit.options().batchSize(16).epochs(3).verbose(0).validationData(X, Y)
                    .callbacks(new TensorBoard(logDir).updateFreq(2)));

            List<String> trainEvents = PythonEventReader.events(logDir.resolve("train"));
            Map<String, Map<Long, Double>> train = PythonEventReader.scalars(trainEvents);
            Map<String, Map<Long, Double>> validation = PythonEventReader.scalars(PythonEventReader.events(logDir.resolve("validation")));

            assertEquals(Set.of("batch_accuracy", "batch_loss", "epoch_accuracy", "epoch_learning_rate", "epoch_loss"), train.keySet());
            assertEquals(asFloats(history.get("loss")), train.get("epoch_loss"));
            assertEquals(asFloats(history.get("accuracy")), train.get("epoch_accuracy"));
            assertEquals(asFloats(List.of(0.01, 0.01, 0.01)), train.get("epoch_learning_rate"));
            assertEquals(Set.of(2L, 4L, 6L, 8L), train.get("batch_loss").keySet());
            assertEquals(Set.of("epoch_accuracy", "epoch_loss"), validation.keySet());
            assertEquals(asFloats(history.get("val_loss")), validation.get("epoch_loss"));
            assertEquals(asFloats(history.get("val_accuracy")), validation.get("epoch_accuracy"));

            Map<String, Map<Long, double[]>> histograms = PythonEventReader.histogramCountsAndSums(trainEvents);
            assertEquals(model.weights().size(), histograms.size());
            for (Weights weights : model.weights()) {
                Map<Long, double[]> steps = histograms.get(weights.name().replace('.', '/'));
                assertEquals(Set.of(0L, 1L, 2L), steps.keySet(), weights.name());
                float[] values = weights.toArray();
                double sum = 0;
                for (float value : values) {
                    sum += value;
                }
                assertEquals(values.length, steps.get(2L)[0], weights.name() + ": count after the last epoch");
                assertEquals(sum, steps.get(2L)[1], weights.name() + ": sum after the last epoch");
            }
        }
    }

    @Test
    void aSecondFitGoesOnFromTheFirstsStepsAndNoValidationDataMakesNoValidationRun() throws Exception {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 2, 2, 6, 3, 0)) {
            model.compile(Optimizers.sgd(0.1f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            TensorBoard tensorBoard = new TensorBoard(logDir).histogramFreq(2);
            model.fit(X, Y, Fit.options().batchSize(40).epochs(3).verbose(0).callbacks(tensorBoard));
            model.fit(X, Y, Fit.options().batchSize(40).epochs(1).verbose(0).callbacks(tensorBoard));

            List<String> events = PythonEventReader.events(logDir);

            assertEquals(Set.of(0L, 1L, 2L, 3L), PythonEventReader.scalars(events).get("epoch_loss").keySet());
            assertEquals(Set.of(0L, 2L), PythonEventReader.histogramCountsAndSums(events).values().iterator().next().keySet());
            assertFalse(Files.exists(logDir.resolve("validation")));
        }
    }

    @Test
    void aLogDirThatCannotBeMadeEndsFitNamingIt() throws IOException {
        Path file = Files.writeString(logDir.resolve("taken"), "");
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 2, 2, 6, 3, 0)) {
            model.compile(Optimizers.sgd(0.1f), Losses.categoricalCrossentropy());
            Fit options = Fit.options().epochs(1).verbose(0).callbacks(new TensorBoard(file));

            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> model.fit(X, Y, options));

            assertEquals("cannot start the TensorBoard run " + file.resolve("train") + ": " + e.getCause().getMessage(), e.getMessage());
        }
    }

    @Test
    void frequenciesAreNotNegative() {
        TensorBoard tensorBoard = new TensorBoard(logDir);
        assertEquals("histogramFreq must be 0 (no histograms) or a number of epochs, not -1",
                assertThrows(IllegalArgumentException.class, () -> tensorBoard.histogramFreq(-1)).getMessage());
        assertEquals("updateFreq must be 0 (per epoch) or a number of batches, not -2",
                assertThrows(IllegalArgumentException.class, () -> tensorBoard.updateFreq(-2)).getMessage());
    }

    /** Epoch (from 0) to the value as TensorBoard stores it: a float32. */
    private static Map<Long, Double> asFloats(List<Double> values) {
        Map<Long, Double> byStep = new TreeMap<>();
        for (int i = 0; i < values.size(); i++) {
            byStep.put((long) i, (double) values.get(i).floatValue());
        }
        return byStep;
    }
}
