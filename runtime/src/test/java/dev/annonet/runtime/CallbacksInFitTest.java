package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.callbacks.CSVLogger;
import dev.annonet.runtime.callbacks.Callback;
import dev.annonet.runtime.callbacks.EarlyStopping;
import dev.annonet.runtime.callbacks.Logs;
import dev.annonet.runtime.callbacks.Mode;
import dev.annonet.runtime.callbacks.ModelCheckpoint;
import dev.annonet.runtime.callbacks.TerminateOnNaN;
import dev.annonet.runtime.callbacks.Training;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The callbacks in a real fit: what they do to the model, its files and fit's outcome. */
class CallbacksInFitTest {
    private static final Tensor X = TestData.uniform(48, 2, 21);
    private static final Tensor Y = Labels.oneHot(TestData.labels(48, 3, 22), 3);

    @TempDir
    Path directory;

    /** Copies the weights at each epoch's end. */
    private static final class WeightsByEpoch implements Callback {
        final List<float[]> weights = new ArrayList<>();

        @Override
        public void onEpochEnd(Training training, int epoch, Logs logs) {
            weights.add(training.model().copyWeights().values());
        }
    }

    private static HandScheduledMlp model(Device device) {
        HandScheduledMlp model = HandScheduledMlp.create(device, 4, 2, 6, 3, 0);
        model.compile(Optimizers.sgd(0.1f), Losses.categoricalCrossentropy(), Metrics.accuracy());
        return model;
    }

    @Test
    void earlyStoppingPutsBackTheBestEpochsWeights() {
        try (HandScheduledMlp model = model(Device.cpu())) {
            WeightsByEpoch seen = new WeightsByEpoch();
            // The loss falls every epoch, so watched as a quantity to maximize its best is epoch 1's.
            EarlyStopping stopping = new EarlyStopping().monitor("loss").mode(Mode.MAX).patience(2).restoreBestWeights(true);
            History history = model.fit(X, Y, Fit.options().batchSize(8).epochs(10).verbose(0).callbacks(seen, stopping));
            assertEquals(3, history.epochs());
            assertEquals(3, stopping.stoppedEpoch());
            assertEquals(1, stopping.bestEpoch());
            assertArrayEquals(seen.weights.get(0), model.copyWeights().values());
            assertFalse(java.util.Arrays.equals(seen.weights.get(2), seen.weights.get(0)));
        }
    }

    @Test
    void modelCheckpointSavesTheBestEpochsOnlyWhenAsked() throws IOException {
        try (HandScheduledMlp model = model(Device.cpu())) {
            ModelCheckpoint every = new ModelCheckpoint(directory.resolve("w-{epoch}-{loss:.3f}.safetensors").toString())
                    .saveWeightsOnly(true);
            ModelCheckpoint best = new ModelCheckpoint(directory.resolve("best").resolve("best.safetensors").toString())
                    .monitor("val_loss").saveBestOnly(true);
            WeightsByEpoch seen = new WeightsByEpoch();
            History history = model.fit(X, Y, Fit.options().batchSize(8).epochs(3).verbose(0).validationData(X, Y)
                    .callbacks(seen, every, best));
            List<Path> expected = new ArrayList<>();
            for (int epoch = 1; epoch <= 3; epoch++) {
                expected.add(directory.resolve(String.format(java.util.Locale.ROOT, "w-%d-%.3f.safetensors", epoch,
                        history.get("loss").get(epoch - 1))));
            }
            assertEquals(expected, every.savedFiles());
            assertEquals(3, best.savedFiles().size(), "val_loss fell every epoch");
            try (HandScheduledMlp loaded = HandScheduledMlp.create(Device.cpu(), 9, 2, 6, 3, 0)) {
                loaded.load(expected.get(1));
                assertArrayEquals(seen.weights.get(1), loaded.copyWeights().values());
            }
        }
    }

    @Test
    void anInitialEpochNumbersTheEpochsOnAsKerasDoes() {
        try (HandScheduledMlp model = model(Device.cpu())) {
            List<Integer> epochs = new ArrayList<>();
            Callback recorder = new Callback() {
                @Override
                public void onEpochBegin(Training training, int epoch) {
                    epochs.add(epoch);
                }
            };
            History history = model.fit(X, Y, Fit.options().batchSize(8).epochs(4).initialEpoch(1).verbose(0).callbacks(recorder));
            assertEquals(List.of(2, 3, 4), epochs);
            assertEquals(3, history.epochs());
        }
    }

    /** Every backend, the CUDA code both replaying recorded steps and running kernel by kernel. */
    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor(), Device.cudaHostExecutor().withoutStepGraphs());
    }

    @ParameterizedTest
    @MethodSource("devices")
    void settingTheRateKeepsTheOptimizersState(Device device) {
        Callback sameRate = new Callback() {
            @Override
            public void onBatchEnd(Training training, int epoch, int batch, Logs logs) {
                training.learningRate(training.learningRate());
            }
        };
        float[][] weights = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (HandScheduledMlp model = HandScheduledMlp.create(device, 4, 2, 6, 3, 0.2)) {
                model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy());
                Fit options = Fit.options().batchSize(8).epochs(2).verbose(0);
                model.fit(X, Y, run == 0 ? options : options.callbacks(sameRate));
                weights[run] = model.copyWeights().values();
            }
        }
        assertArrayEquals(weights[0], weights[1], "Adam's moments and update count went on as if the rate had not been set");
    }

    @Test
    void aCallbackSetsTheLearningRateWithinBounds() {
        try (HandScheduledMlp model = model(Device.cpu())) {
            Callback negative = new Callback() {
                @Override
                public void onTrainBegin(Training training) {
                    assertEquals(0.1f, training.learningRate());
                    training.learningRate(0f); // a schedule may end at 0
                    training.learningRate(-1f);
                }
            };
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.fit(X, Y, Fit.options().epochs(1).verbose(0).callbacks(negative)));
            assertEquals("learning rate must be 0 or more and finite, was -1.0", e.getMessage());
        }
    }

    @Test
    void csvLoggerWritesEveryEpochOfAFit() throws IOException {
        Path file = directory.resolve("training.csv");
        try (HandScheduledMlp model = model(Device.cpu())) {
            History history = model.fit(X, Y, Fit.options().batchSize(8).epochs(2).verbose(0).callbacks(new CSVLogger(file)));
            assertEquals(List.of("epoch,loss,accuracy",
                    "1," + history.get("loss").get(0) + "," + history.get("accuracy").get(0),
                    "2," + history.get("loss").get(1) + "," + history.get("accuracy").get(1)), Files.readAllLines(file));
        }
    }

    /** As TrainingSafetyTest's diverging fit, on the float32 backends. */
    static Stream<Device> float32Devices() {
        return Stream.of(Device.cpu(), Device.cudaHostExecutor(), Device.cudaHostExecutor().withoutStepGraphs());
    }

    @ParameterizedTest
    @MethodSource("float32Devices")
    void withTerminateOnNaNADivergingFitReturnsItsHistoryInsteadOfThrowing(Device device) {
        float[] values = TestData.uniform(64, 2, 5).toArray();
        for (int i = 2 * 8 * 2; i < 3 * 8 * 2; i++) {
            values[i] = 3e38f; // the third batch's update overflows the weights
        }
        Tensor y = Labels.oneHot(TestData.labels(64, 3, 6), 3);
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 1, 2, 8, 3, 0)) {
            model.compile(Optimizers.sgd(0.1f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            float[] initial = model.copyWeights().values();
            History history = model.fit(Tensor.of(values, 64, 2), y, Fit.options().batchSize(8).epochs(3).shuffle(false).verbose(0)
                    .callbacks(new TerminateOnNaN(new PrintStream(said, true, StandardCharsets.UTF_8))));
            assertEquals(1, history.epochs());
            assertFalse(Double.isFinite(history.get("loss").get(0)), history + " " + said);
            assertTrue(said.toString(StandardCharsets.UTF_8).matches("Batch [45]: Invalid loss, terminating training\n"),
                    said.toString(StandardCharsets.UTF_8));
            assertArrayEquals(initial, model.copyWeights().values(), "the weights epoch 1 began with");
            History next = model.fit(X, Y, Fit.options().batchSize(8).epochs(1).verbose(0));
            assertTrue(Double.isFinite(next.get("loss").get(0)), "the model trains on");
        }
    }
}
