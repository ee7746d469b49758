package dev.annonet.runtime.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.History;
import dev.annonet.runtime.Model;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The callbacks' rules, Keras's, on made-up logs: when they stop, what rate they set, what they write. */
class CallbacksTest {
    @TempDir
    Path directory;

    /** A training of {@code steps} batches per epoch that keeps the rate and the stop it is given. */
    private static final class FakeTraining implements Training {
        private final int steps;
        private float rate;
        private boolean stopping;

        FakeTraining(int steps, float rate) {
            this.steps = steps;
            this.rate = rate;
        }

        @Override
        public Model model() {
            throw new UnsupportedOperationException("these callbacks need no model");
        }

        @Override
        public int epochs() {
            return 100;
        }

        @Override
        public int stepsPerEpoch() {
            return steps;
        }

        @Override
        public History history() {
            throw new UnsupportedOperationException("these callbacks need no history");
        }

        @Override
        public void stop() {
            stopping = true;
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public float learningRate() {
            return rate;
        }

        @Override
        public void learningRate(float rate) {
            this.rate = rate;
        }
    }

    private static Logs logs(Object... namesAndValues) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], ((Number) namesAndValues[i + 1]).doubleValue());
        }
        return new Logs() {
            @Override
            public List<String> names() {
                return List.copyOf(values.keySet());
            }

            @Override
            public double get(String name) {
                return values.get(name);
            }

            @Override
            public Map<String, Double> toMap() {
                return Map.copyOf(values);
            }
        };
    }

    /** Runs {@code callback} over epochs whose {@code name} takes {@code values}; the epoch it stopped after, or 0. */
    private static int epochsOf(Callback callback, Training training, String name, double... values) {
        callback.onTrainBegin(training);
        for (int epoch = 1; epoch <= values.length; epoch++) {
            callback.onEpochBegin(training, epoch);
            callback.onEpochEnd(training, epoch, logs("loss", 1, name, values[epoch - 1]));
            if (training.stopping()) {
                return epoch;
            }
        }
        return 0;
    }

    @Test
    void earlyStoppingWaitsPatienceEpochsAfterTheBest() {
        EarlyStopping stopping = new EarlyStopping().patience(2);
        assertEquals(4, epochsOf(stopping, new FakeTraining(1, 1f), "val_loss", 1.0, 0.9, 0.95, 0.96, 0.97, 0.5));
        assertEquals(4, stopping.stoppedEpoch());
        assertEquals(2, stopping.bestEpoch());
        assertEquals(0.9, stopping.best());
    }

    @Test
    void earlyStoppingCountsASmallerChangeThanMinDeltaAsNone() {
        assertEquals(2, epochsOf(new EarlyStopping().patience(1).minDelta(0.05), new FakeTraining(1, 1f), "val_loss", 1.0, 0.99, 0.5));
        assertEquals(0, epochsOf(new EarlyStopping().patience(1).minDelta(0.005), new FakeTraining(1, 1f), "val_loss", 1.0, 0.99, 0.98));
    }

    @Test
    void earlyStoppingWatchesAccuraciesRisingAndOtherModesAsTold() {
        assertEquals(3, epochsOf(new EarlyStopping().monitor("val_accuracy").patience(1), new FakeTraining(1, 1f),
                "val_accuracy", 0.5, 0.6, 0.55, 0.7));
        assertEquals(0, epochsOf(new EarlyStopping().monitor("val_loss").mode(Mode.MAX).patience(1), new FakeTraining(1, 1f),
                "val_loss", 0.5, 0.6, 0.7));
    }

    /** Keras's metrics whose direction is up rise under AUTO, with or without val_; anything else falls, as a loss. */
    @Test
    void autoKnowsWhichMetricsImproveAsTheyRise() {
        for (String name : new String[] {"val_auc", "precision", "val_recall", "top_k_categorical_accuracy"}) {
            assertEquals(0, epochsOf(new EarlyStopping().monitor(name).patience(1), new FakeTraining(1, 1f),
                    name, 0.5, 0.6, 0.7), name);
            assertEquals(3, epochsOf(new EarlyStopping().monitor(name).patience(1), new FakeTraining(1, 1f),
                    name, 0.7, 0.8, 0.6), name);
        }
        assertEquals(2, epochsOf(new EarlyStopping().monitor("val_loss").patience(1), new FakeTraining(1, 1f),
                "val_loss", 0.5, 0.6, 0.4));
    }

    @Test
    void earlyStoppingCountsEpochsShortOfTheBaselineAsWithoutImprovement() {
        assertEquals(2, epochsOf(new EarlyStopping().patience(2).baseline(0.5), new FakeTraining(1, 1f), "val_loss", 0.8, 0.8, 0.8));
        assertEquals(0, epochsOf(new EarlyStopping().patience(2).baseline(0.5), new FakeTraining(1, 1f), "val_loss", 0.8, 0.4, 0.4));
    }

    @Test
    void earlyStoppingStartsWatchingAfterStartFromEpoch() {
        assertEquals(4, epochsOf(new EarlyStopping().patience(1).startFromEpoch(2), new FakeTraining(1, 1f),
                "val_loss", 1.0, 2.0, 3.0, 4.0, 5.0));
    }

    @Test
    void aMonitorTheLogsLackStopsTheFirstEpochNamingThoseThereAre() {
        EarlyStopping stopping = new EarlyStopping();
        stopping.onTrainBegin(new FakeTraining(1, 1f));
        assertEquals("EarlyStopping monitors 'val_loss', which the logs do not hold; they hold [loss, accuracy]"
                + " (val_* values need Fit.validationData)", assertThrows(IllegalArgumentException.class,
                () -> stopping.onEpochEnd(new FakeTraining(1, 1f), 1, logs("loss", 1, "accuracy", 0.5))).getMessage());
        assertEquals("EarlyStopping: patience must be 0 or more, was -1",
                assertThrows(IllegalArgumentException.class, () -> new EarlyStopping().patience(-1)).getMessage());
        assertEquals("EarlyStopping: minDelta must be 0 or more and finite, was -0.1", assertThrows(IllegalArgumentException.class,
                () -> new EarlyStopping().minDelta(-0.1).onTrainBegin(new FakeTraining(1, 1f))).getMessage());
    }

    @Test
    void reduceLrOnPlateauMultipliesTheRateAfterPatienceAndCoolsDown() {
        ReduceLROnPlateau reduce = new ReduceLROnPlateau().factor(0.5f).patience(1).cooldown(2);
        FakeTraining training = new FakeTraining(1, 0.1f);
        reduce.onTrainBegin(training);
        List<Float> rates = new ArrayList<>();
        for (int epoch = 1; epoch <= 6; epoch++) {
            reduce.onEpochEnd(training, epoch, logs("val_loss", 1.0));
            rates.add(training.learningRate());
        }
        assertEquals(List.of(0.1f, 0.05f, 0.05f, 0.025f, 0.025f, 0.0125f), rates);
        assertFalse(training.stopping());
    }

    @Test
    void reduceLrOnPlateauStopsAtMinLrAndKerasDefaultsWaitTenEpochs() {
        ReduceLROnPlateau reduce = new ReduceLROnPlateau().factor(0.5f).patience(0).minLr(0.03f);
        FakeTraining training = new FakeTraining(1, 0.1f);
        epochsOf(reduce, training, "val_loss", 1, 1, 1, 1);
        assertEquals(0.03f, training.learningRate());

        FakeTraining defaults = new FakeTraining(1, 0.1f);
        epochsOf(new ReduceLROnPlateau(), defaults, "val_loss", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(0.1f, defaults.learningRate());
        epochsOf(new ReduceLROnPlateau(), defaults, "val_loss", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(0.1f * 0.1f, defaults.learningRate());
        assertEquals("ReduceLROnPlateau: factor must be in (0, 1), was 1.0",
                assertThrows(IllegalArgumentException.class, () -> new ReduceLROnPlateau().factor(1)).getMessage());
    }

    @Test
    void schedulesFollowKerasFormulas() {
        assertEquals(0.1f * (float) Math.sqrt(0.5), LearningRateSchedule.exponentialDecay(0.1f, 10, 0.5f, false).rate(5), 1e-8);
        assertEquals(0.1f, LearningRateSchedule.exponentialDecay(0.1f, 10, 0.5f, true).rate(9));
        assertEquals(List.of(0.1f, 0.1f, 0.05f, 0.05f, 0.025f), rates(LearningRateSchedule.stepDecay(0.1f, 0.5f, 2), 5));
        LearningRateSchedule cosine = LearningRateSchedule.cosineDecay(1f, 10, 0f);
        assertEquals(List.of(1f, 0.5f, 0f, 0f), List.of(cosine.rate(0), cosine.rate(5), cosine.rate(10), cosine.rate(20)));
        assertEquals(0.1f, LearningRateSchedule.cosineDecay(1f, 10, 0.1f).rate(10), 1e-7);
        LearningRateSchedule warm = LearningRateSchedule.warmup(4, 0f, cosine);
        assertEquals(List.of(0f, 0.25f, 0.5f, 0.75f, 1f), rates(warm, 5));
        assertEquals(cosine.rate(5), warm.rate(9));
        assertEquals("decaySteps must be positive, was 0",
                assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosineDecay(1f, 0, 0f)).getMessage());
    }

    private static List<Float> rates(LearningRateSchedule schedule, int steps) {
        List<Float> rates = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            rates.add(schedule.rate(step));
        }
        return rates;
    }

    @Test
    void theSchedulerSetsTheRateBeforeEachEpochOrEachBatch() {
        FakeTraining training = new FakeTraining(3, 1f);
        LearningRateScheduler byEpoch = new LearningRateScheduler(LearningRateSchedule.stepDecay(0.1f, 0.5f, 2));
        List<Float> rates = new ArrayList<>();
        for (int epoch = 1; epoch <= 4; epoch++) {
            byEpoch.onEpochBegin(training, epoch);
            rates.add(training.learningRate());
        }
        assertEquals(List.of(0.1f, 0.1f, 0.05f, 0.05f), rates);

        LearningRateScheduler byBatch = LearningRateScheduler.perBatch(LearningRateSchedule.warmup(4, 0f, step -> 0.1f));
        rates.clear();
        for (int epoch = 1; epoch <= 2; epoch++) {
            byBatch.onEpochBegin(training, epoch);
            for (int batch = 1; batch <= 3; batch++) {
                rates.add(training.learningRate()); // the rate this batch trains with
                byBatch.onBatchEnd(training, epoch, batch, logs("loss", 1));
            }
        }
        assertEquals(List.of(0f, 0.025f, 0.05f, 0.075f, 0.1f, 0.1f), rates);

        LearningRateScheduler bad = new LearningRateScheduler(epoch -> Float.NaN);
        assertEquals("LearningRateScheduler: the schedule gave NaN at step 0; a rate must be 0 or more and finite",
                assertThrows(IllegalArgumentException.class, () -> bad.onEpochBegin(training, 1)).getMessage());
    }

    @Test
    void modelCheckpointNamesFilesWithPythonFormatFields() {
        ModelCheckpoint checkpoint = new ModelCheckpoint("ckpt-{epoch:02d}-{val_loss:.4f}-{accuracy}.safetensors");
        assertEquals("ckpt-03-0.1235-0.5.safetensors", checkpoint.fileName(3, logs("val_loss", 0.123456, "accuracy", 0.5)));
        assertEquals("e12.safetensors", new ModelCheckpoint("e{epoch}.safetensors").fileName(12, logs("loss", 1)));
        assertEquals("ModelCheckpoint: 'ckpt-{epoch:02d}-{val_los}' names 'val_los', which is neither 'epoch' nor in the logs;"
                + " they hold [val_loss, accuracy]", assertThrows(IllegalArgumentException.class,
                () -> new ModelCheckpoint("ckpt-{epoch:02d}-{val_los}").fileName(1, logs("val_loss", 1, "accuracy", 1))).getMessage());
        assertEquals("ModelCheckpoint: 'ckpt-{epoch:x}' has a field that is not {name} or {name:format} with a format such as"
                + " 02d or .4f", assertThrows(IllegalArgumentException.class, () -> new ModelCheckpoint("ckpt-{epoch:x}")).getMessage());
        assertEquals("ModelCheckpoint: 'c{loss:d}' formats 'loss', a decimal value, as an integer; use a format such as .4f",
                assertThrows(IllegalArgumentException.class,
                        () -> new ModelCheckpoint("c{loss:d}").fileName(1, logs("loss", 1))).getMessage());
    }

    @Test
    void csvLoggerWritesAHeaderAndALinePerEpochAndAppendsWhenAsked() throws IOException {
        Path file = directory.resolve("log.csv");
        FakeTraining training = new FakeTraining(1, 1f);
        CSVLogger logger = new CSVLogger(file);
        logger.onTrainBegin(training);
        logger.onEpochEnd(training, 1, logs("loss", 0.5, "val_loss", 0.75));
        assertEquals("epoch,loss,val_loss\n1,0.5,0.75\n", Files.readString(file), "written at the epoch's end");
        logger.onEpochEnd(training, 2, logs("loss", 0.25, "val_loss", 0.5));

        CSVLogger appending = new CSVLogger(file, ";", true);
        appending.onTrainBegin(training);
        appending.onEpochEnd(training, 3, logs("loss", 0.125, "val_loss", 0.25));
        assertEquals("epoch,loss,val_loss\n1,0.5,0.75\n2,0.25,0.5\n3;0.125;0.25\n", Files.readString(file));

        logger.onTrainBegin(training);
        assertEquals("", Files.readString(file), "without append the file starts anew");
    }

    @Test
    void csvLoggerNamesTheFileItCannotWrite() {
        Path file = directory.resolve("missing").resolve("log.csv");
        UncheckedIOException failure = assertThrows(UncheckedIOException.class,
                () -> new CSVLogger(file).onTrainBegin(new FakeTraining(1, 1f)));
        assertTrue(failure.getMessage().startsWith("CSVLogger could not write " + file + ": "), failure.getMessage());
    }

    @Test
    void terminateOnNaNSaysWhichBatchWhenFitStopsForANonFiniteLoss() {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        TerminateOnNaN terminate = new TerminateOnNaN(new PrintStream(said, true, StandardCharsets.UTF_8));
        FakeTraining training = new FakeTraining(3, 1f);
        terminate.onBatchEnd(training, 1, 1, logs("loss", Double.NaN)); // a GPU's first batch: no loss yet
        terminate.onBatchEnd(training, 1, 2, logs("loss", 0.5));
        assertEquals("", said.toString(StandardCharsets.UTF_8));
        training.stop(); // as fit does once a step's loss is not finite
        terminate.onBatchEnd(training, 1, 3, logs("loss", Double.POSITIVE_INFINITY));
        assertEquals("Batch 3: Invalid loss, terminating training\n", said.toString(StandardCharsets.UTF_8));
    }
}
