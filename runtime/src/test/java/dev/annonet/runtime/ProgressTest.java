package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.AccuracyKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** What fit, evaluate and predict print at each verbosity. */
class ProgressTest {
    private static final String VALUE = "\\d+\\.\\d{4}";
    private static final String PER_STEP = "\\d+(us|ms|s)/step";

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

    @Test
    void verboseZeroPrintsNothing() {
        fit(0, false);
        assertEquals("", output());
    }

    @Test
    void verboseTwoPrintsOneLinePerEpoch() {
        fit(2, true);
        String[] lines = output().split("\n");
        assertEquals(2, lines.length, output());
        for (int epoch = 1; epoch <= 2; epoch++) {
            String line = lines[epoch - 1];
            assertTrue(line.matches("Epoch " + epoch + "/2 - \\d+s " + PER_STEP + " - loss: " + VALUE + " - accuracy: " + VALUE
                    + " - val_loss: " + VALUE + " - val_accuracy: " + VALUE), line);
        }
    }

    @Test
    void verboseOneEndsEachEpochWithAFullBar() {
        fit(1, false);
        String[] lines = output().split("\n");
        assertEquals(4, lines.length, output());
        assertEquals("Epoch 1/2", lines[0]);
        assertEquals("Epoch 2/2", lines[2]);
        for (String bar : new String[] {lines[1], lines[3]}) {
            // A bar is redrawn in place: only the text after its last '\r' stays visible.
            String shown = bar.substring(bar.lastIndexOf('\r') + 1);
            assertTrue(shown.matches("4/4 \\[={30}\\] - \\d+s " + PER_STEP + " - loss: " + VALUE + " - accuracy: " + VALUE), shown);
        }
    }

    @Test
    void theRunningBarShowsProgressAndEta() {
        long[] now = {0};
        ProgressBar progress = new ProgressBar(out, 1, 20, 10, new String[] {"loss", "accuracy"}, () -> now[0], true);
        Tally tally = new Tally(1, new MetricCounts[] {MetricCounts.accuracy(AccuracyKind.CATEGORICAL, 10)});
        tally.addLoss(0, 2.5, 10);
        tally.addCounts(new long[] {9, 10});
        progress.startEpoch(3);
        now[0] = 300_000_000L;
        progress.stepDone(3, tally);
        now[0] = 310_000_000L;
        progress.stepDone(4, tally); // within 50 ms of the last redraw: skipped
        now[0] = 1_000_000_000L;
        progress.stepDone(10, tally); // the last step is drawn by endEpoch
        progress.endEpoch(tally, null);
        String running = " 3/10 [========>.....................] - ETA: 1s - loss: 0.2500 - accuracy: 0.9000";
        String done = "10/10 [==============================] - 1s 100ms/step - loss: 0.2500 - accuracy: 0.9000";
        assertEquals("Epoch 3/20\n\r" + running + "\r" + done + "\n", output());
    }

    @Test
    void aShorterRedrawClearsTheLongerOneAndLongEtasReadAsClockTimes() {
        long[] now = {0};
        ProgressBar progress = new ProgressBar(out, 1, 1, 100, new String[] {"loss"}, () -> now[0], true);
        Tally tally = new Tally(1, new MetricCounts[0]);
        tally.addLoss(0, 1e-5, 1);
        progress.startEpoch(1);
        now[0] = 74_000_000_000L;
        progress.stepDone(1, tally);
        now[0] = 75_000_000_000L;
        progress.stepDone(50, tally);
        String first = "  1/100 [..............................] - ETA: 2:02:06 - loss: 1.0000e-05";
        String second = " 50/100 [==============>...............] - ETA: 1:15 - loss: 1.0000e-05";
        assertEquals("Epoch 1/1\n\r" + first + "\r" + second + " ".repeat(first.length() - second.length()), output());
    }

    @Test
    void intoALogTheBarIsWrittenOnceAnEpochWithoutRedraws() {
        long[] now = {0};
        ProgressBar progress = new ProgressBar(out, 1, 1, 10, new String[] {"loss"}, () -> now[0], false);
        Tally tally = new Tally(1, new MetricCounts[0]);
        tally.addLoss(0, 2.5, 10);
        progress.startEpoch(1);
        for (int step = 1; step <= 10; step++) {
            now[0] += 100_000_000L;
            progress.stepDone(step, tally);
        }
        progress.endEpoch(tally, null);
        assertEquals("Epoch 1/1\n10/10 [==============================] - 1s 100ms/step - loss: 0.2500\n", output());
    }

    @Test
    void evaluateAndPredictDrawOneBarWithoutAnEpochLine() {
        int[] labels = new int[150];
        Tensor x = TestData.threeBlobs(labels);
        Tensor y = Labels.oneHot(labels, 3);
        PrintStream console = System.out;
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 2, 4, 3, 0)) {
            model.compile(Optimizers.sgd(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            System.setOut(out);
            model.evaluate(x, y, 40);
            model.predict(x, 40);
            assertEquals("", output(), "the overloads without verbose stay silent");
            Evaluation score = model.evaluate(x, y, 40, 1);
            model.predict(x, 40, 1);
            model.evaluate(x, y, 40, 2);
            model.predict(x, 40, 2);
            model.evaluate(x, y, 40, 0);
            model.predict(x, 40, 0);
            String[] lines = output().split("\n");
            assertEquals(4, lines.length, output());
            String values = " - loss: " + VALUE + " - accuracy: " + VALUE;
            assertTrue(lines[0].matches("4/4 \\[={30}\\] - \\d+s " + PER_STEP + values), lines[0]);
            assertTrue(lines[0].endsWith(String.format(Locale.ROOT, "accuracy: %.4f", score.get("accuracy"))), lines[0]);
            assertTrue(lines[1].matches("4/4 \\[={30}\\] - \\d+s " + PER_STEP), lines[1]);
            assertTrue(lines[2].matches("4/4 - \\d+s " + PER_STEP + values), lines[2]);
            assertTrue(lines[3].matches("4/4 - \\d+s " + PER_STEP), lines[3]);
            IllegalArgumentException verbose = assertThrows(IllegalArgumentException.class, () -> model.predict(x, 40, 3));
            assertEquals("verbose must be 0, 1 or 2, was 3", verbose.getMessage());
        } finally {
            System.setOut(console);
        }
    }

    private void fit(int verbose, boolean validation) {
        int[] labels = new int[150];
        Tensor x = TestData.threeBlobs(labels);
        Tensor y = Labels.oneHot(labels, 3);
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 2, 4, 3, 0)) {
            model.compile(Optimizers.sgd(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            Fit options = Fit.options().batchSize(40).epochs(2).verbose(verbose).output(out);
            model.fit(x, y, validation ? options.validationData(x, y) : options);
        }
    }

    private String output() {
        return captured.toString(StandardCharsets.UTF_8);
    }
}
