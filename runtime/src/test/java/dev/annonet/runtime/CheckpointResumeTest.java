package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.callbacks.Callback;
import dev.annonet.runtime.callbacks.Logs;
import dev.annonet.runtime.callbacks.ModelCheckpoint;
import dev.annonet.runtime.callbacks.Training;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A checkpoint holds everything training needs: 2 + 2 epochs with a resume between are 4 epochs, bit for bit. */
class CheckpointResumeTest {
    private static final Tensor X = TestData.uniform(50, 3, 11);
    private static final Tensor Y = Labels.oneHot(TestData.labels(50, 3, 12), 3);
    private static final double DROPOUT = 0.3;

    @TempDir
    Path directory;

    /**
     * The float32 backends: the CPU, and the CUDA code replaying its recorded steps on the host
     * (counters and rate read from its memory). The reference keeps float64 and a checkpoint float32,
     * so a resume there is exact only to float32.
     */
    static Stream<Device> devices() {
        return Stream.of(Device.cpu(), Device.cudaHostExecutor());
    }

    /** Halves the learning rate after epoch 1: a resume must carry the rate a callback set. */
    private static final class HalveAfterFirstEpoch implements Callback {
        @Override
        public void onEpochEnd(Training training, int epoch, Logs logs) {
            if (epoch == 1) {
                training.learningRate(training.learningRate() / 2);
            }
        }
    }

    private static HandScheduledMlp compiled(Device device, long seed) {
        HandScheduledMlp model = HandScheduledMlp.create(device, seed, 3, 6, 3, DROPOUT);
        model.compile(Optimizers.adam(0.02f), Losses.categoricalCrossentropy(), Metrics.accuracy());
        return model;
    }

    private static Fit options(int epochs) {
        return Fit.options().batchSize(8).epochs(epochs).verbose(0).validationData(X, Y);
    }

    @ParameterizedTest
    @MethodSource("devices")
    void twoEpochsThenAResumeAndTwoMoreAreFourEpochsBitForBit(Device device) throws IOException {
        float[] straightWeights;
        History straight;
        try (HandScheduledMlp model = compiled(device, 7)) {
            straight = model.fit(X, Y, options(4).callbacks(new HalveAfterFirstEpoch()));
            straightWeights = model.copyWeights().values();
        }
        ModelCheckpoint checkpoints = new ModelCheckpoint(directory.resolve("ckpt-{epoch:02d}.safetensors").toString());
        History first;
        try (HandScheduledMlp model = compiled(device, 7)) {
            first = model.fit(X, Y, options(2).callbacks(new HalveAfterFirstEpoch(), checkpoints));
        }
        assertEquals(List.of(directory.resolve("ckpt-01.safetensors"), directory.resolve("ckpt-02.safetensors")),
                checkpoints.savedFiles());
        History second;
        float[] resumedWeights;
        try (HandScheduledMlp model = compiled(device, 99)) { // another seed: the checkpoint's replaces it
            second = model.fit(X, Y, options(4).resumeFrom(directory.resolve("ckpt-02.safetensors")));
            resumedWeights = model.copyWeights().values();
        }
        assertArrayEquals(straightWeights, resumedWeights);
        assertEquals(2, second.epochs());
        for (String name : straight.history().keySet()) {
            List<Double> joined = new ArrayList<>(first.get(name));
            joined.addAll(second.get(name));
            assertEquals(straight.get(name), joined, name);
        }
    }

    @Test
    void resumingATrainingThatIsDoneRunsNoEpochAndKeepsTheCheckpointsWeights() throws IOException {
        Path file = directory.resolve("done.safetensors");
        float[] saved;
        try (HandScheduledMlp model = compiled(Device.cpu(), 3)) {
            model.fit(X, Y, options(2));
            model.saveCheckpoint(file);
            saved = model.copyWeights().values();
        }
        try (HandScheduledMlp model = compiled(Device.cpu(), 4)) {
            assertEquals(2, model.loadCheckpoint(file));
            assertEquals(0, model.fit(X, Y, options(2).resumeFrom(file)).epochs());
            assertArrayEquals(saved, model.copyWeights().values());
        }
    }

    @Test
    void theCheckpointNamesItsContentsInItsHeader() throws IOException {
        Path file = directory.resolve("state.safetensors");
        try (HandScheduledMlp model = compiled(Device.cpu(), 3)) {
            model.fit(X, Y, options(1).callbacks(new HalveAfterFirstEpoch()));
            model.saveCheckpoint(file);
        }
        SafeTensors.Contents contents = SafeTensors.read(file);
        Map<String, String> metadata = contents.metadata();
        assertEquals("annonet-checkpoint", metadata.get("format"));
        assertEquals("HandScheduledMlp", metadata.get("network"));
        assertEquals("1", metadata.get("epoch"));
        assertEquals("0.01", metadata.get("learning_rate"));
        assertEquals("7", metadata.get("updates")); // 50 samples in batches of 8
        assertEquals("7", metadata.get("step"));
        assertEquals("3", metadata.get("seed"));
        assertEquals("1", metadata.get("shuffles"));
        assertTrue(metadata.get("optimizer").startsWith("Adam(learning_rate=0.02"), metadata.get("optimizer"));
        assertEquals(List.of("hidden.kernel", "hidden.bias", "output.kernel", "output.bias",
                        "optimizer.m.hidden.kernel", "optimizer.m.hidden.bias", "optimizer.m.output.kernel", "optimizer.m.output.bias",
                        "optimizer.v.hidden.kernel", "optimizer.v.hidden.bias", "optimizer.v.output.kernel", "optimizer.v.output.bias"),
                List.copyOf(contents.entries().keySet()));
    }

    @Test
    void aCheckpointThatDoesNotFitChangesNothingAndSaysWhy() throws IOException {
        Path file = directory.resolve("adam.safetensors");
        Path weights = directory.resolve("weights.safetensors");
        try (HandScheduledMlp model = compiled(Device.cpu(), 3)) {
            model.fit(X, Y, options(1));
            model.saveCheckpoint(file);
            model.save(weights);
        }
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 5, 3, 6, 3, DROPOUT)) {
            float[] before = model.copyWeights().values();
            assertEquals("call compile(...) before loadCheckpoint",
                    assertThrows(IllegalStateException.class, () -> model.loadCheckpoint(file)).getMessage());
            model.compile(Optimizers.rmsprop(), Losses.categoricalCrossentropy());
            IllegalArgumentException otherOptimizer = assertThrows(IllegalArgumentException.class, () -> model.loadCheckpoint(file));
            assertEquals(file + " does not fit HandScheduledMlp compiled with " + Optimizers.rmsprop() + ": its optimizer is "
                    + Optimizers.adam(0.02f) + " but the model was compiled with " + Optimizers.rmsprop()
                    + "; 'optimizer.m.hidden.kernel' is not state of rmsprop; 'optimizer.m.hidden.bias' is not state of rmsprop;"
                    + " 'optimizer.m.output.kernel' is not state of rmsprop; 'optimizer.m.output.bias' is not state of rmsprop;"
                    + " 'optimizer.v.hidden.kernel' is not state of rmsprop; 'optimizer.v.hidden.bias' is not state of rmsprop;"
                    + " 'optimizer.v.output.kernel' is not state of rmsprop; 'optimizer.v.output.bias' is not state of rmsprop",
                    otherOptimizer.getMessage().replace("'optimizer.velocity.hidden.kernel' is missing; ", "")
                            .replace("'optimizer.velocity.hidden.bias' is missing; ", "")
                            .replace("'optimizer.velocity.output.kernel' is missing; ", "")
                            .replace("'optimizer.velocity.output.bias' is missing; ", ""));
            assertEquals(weights + " is not an annonet checkpoint (Model.saveCheckpoint writes them; a file of weights alone"
                    + " loads with Model.load)",
                    assertThrows(IllegalArgumentException.class, () -> model.loadCheckpoint(weights)).getMessage());
            assertArrayEquals(before, model.copyWeights().values());
        }
        try (HandScheduledMlp wider = HandScheduledMlp.create(Device.cpu(), 5, 3, 7, 3, DROPOUT)) {
            wider.compile(Optimizers.adam(0.02f), Losses.categoricalCrossentropy());
            String message = assertThrows(IllegalArgumentException.class, () -> wider.loadCheckpoint(file)).getMessage();
            assertTrue(message.startsWith(file + " does not fit HandScheduledMlp compiled with Adam(")
                    && message.contains("'hidden.kernel' has shape [3, 6] in the file but [3, 7] in HandScheduledMlp")
                    && message.contains("'optimizer.m.hidden.kernel' has shape [3, 6], not [3, 7]"), message);
        }
    }

    @Test
    void aResumeFromAMissingFileNamesIt() {
        Path missing = directory.resolve("none.safetensors");
        try (HandScheduledMlp model = compiled(Device.cpu(), 3)) {
            String message = assertThrows(java.io.UncheckedIOException.class,
                    () -> model.fit(X, Y, options(2).resumeFrom(missing))).getMessage();
            assertTrue(message.startsWith("resuming from " + missing), message);
        }
    }
}
