package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.callbacks.Callback;
import dev.annonet.runtime.callbacks.Logs;
import dev.annonet.runtime.callbacks.Training;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** When fit calls its callbacks, with what, and how a callback stops training. */
class FitCallbacksTest {
    private static final Tensor X = TestData.uniform(40, 2, 3);
    private static final Tensor Y = Labels.oneHot(TestData.labels(40, 3, 4), 3);

    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor());
    }

    /** Writes down every call; stops training at {@code stopEpoch} / {@code stopBatch} when they are reached. */
    private static final class Recorder implements Callback {
        final List<String> calls = new ArrayList<>();
        final List<List<Double>> epochValues = new ArrayList<>();
        final int stopEpoch;
        final int stopBatch;
        Training seen;

        Recorder(int stopEpoch, int stopBatch) {
            this.stopEpoch = stopEpoch;
            this.stopBatch = stopBatch;
        }

        @Override
        public void onTrainBegin(Training training) {
            seen = training;
            calls.add("train " + training.epochs() + "x" + training.stepsPerEpoch());
        }

        @Override
        public void onEpochBegin(Training training, int epoch) {
            calls.add("epoch " + epoch);
        }

        @Override
        public void onBatchEnd(Training training, int epoch, int batch, Logs logs) {
            calls.add(epoch + "." + batch);
            if (epoch == stopEpoch && batch == stopBatch) {
                training.stop();
            }
        }

        @Override
        public void onEpochEnd(Training training, int epoch, Logs logs) {
            calls.add("end " + epoch + " " + logs.names());
            List<Double> values = new ArrayList<>();
            for (String name : logs.names()) {
                values.add(logs.get(name));
            }
            epochValues.add(values);
            if (epoch == stopEpoch && stopBatch == 0) {
                training.stop();
            }
        }

        @Override
        public void onTrainEnd(Training training) {
            calls.add("done, stopping " + training.stopping());
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void callbacksSeeEveryEpochAndBatchWithHistorysValues(Device device) {
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 2, 2, 6, 3, 0)) {
            model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            Recorder recorder = new Recorder(-1, -1);
            History history = model.fit(X, Y, Fit.options().batchSize(16).epochs(2).verbose(0)
                    .validationData(X, Y).callbacks(recorder));
            assertEquals(List.of("train 2x3", "epoch 1", "1.1", "1.2", "1.3",
                    "end 1 [loss, accuracy, val_loss, val_accuracy]", "epoch 2", "2.1", "2.2", "2.3",
                    "end 2 [loss, accuracy, val_loss, val_accuracy]", "done, stopping false"), recorder.calls);
            assertSame(model, recorder.seen.model());
            for (int epoch = 0; epoch < 2; epoch++) {
                List<Double> values = new ArrayList<>();
                for (String name : List.of("loss", "accuracy", "val_loss", "val_accuracy")) {
                    values.add(history.get(name).get(epoch));
                }
                assertEquals(values, recorder.epochValues.get(epoch));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void aCallbackStopsAfterTheEpochOrTheBatchItStopsIn(Device device) {
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 2, 2, 6, 3, 0)) {
            model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            Recorder atEpochEnd = new Recorder(2, 0);
            assertEquals(2, model.fit(X, Y, Fit.options().batchSize(16).epochs(5).verbose(0).callbacks(atEpochEnd)).epochs());
            assertEquals("done, stopping true", atEpochEnd.calls.get(atEpochEnd.calls.size() - 1));

            Recorder atBatch = new Recorder(1, 2);
            History history = model.fit(X, Y, Fit.options().batchSize(16).epochs(5).verbose(0).callbacks(atBatch));
            assertEquals(List.of("train 5x3", "epoch 1", "1.1", "1.2", "end 1 [loss, accuracy]", "done, stopping true"), atBatch.calls);
            assertEquals(1, history.epochs()); // the epoch it stopped in is recorded, over the batches it ran
        }
    }

    /** Backends that run steps as they come (a replayed step reports a step late, so its last batch's logs miss that batch). */
    static Stream<Device> eagerDevices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor().withoutStepGraphs());
    }

    @ParameterizedTest
    @MethodSource("eagerDevices")
    void batchLogsAreTheRunningMeansOfTheEpoch(Device device) {
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 2, 2, 6, 3, 0)) {
            model.compile(Optimizers.sgd(0.1f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            List<Double> lastBatchLoss = new ArrayList<>();
            Callback lastBatch = new Callback() {
                @Override
                public void onBatchEnd(Training training, int epoch, int batch, Logs logs) {
                    if (batch == training.stepsPerEpoch()) {
                        lastBatchLoss.add(logs.toMap().get("loss"));
                    }
                    assertEquals("no 'val_loss' in these logs; they hold [loss, accuracy]",
                            assertThrows(IllegalArgumentException.class, () -> logs.get("val_loss")).getMessage());
                }
            };
            History history = model.fit(X, Y, Fit.options().batchSize(16).epochs(2).verbose(0).callbacks(lastBatch));
            assertEquals(history.get("loss"), lastBatchLoss);
        }
    }
}
