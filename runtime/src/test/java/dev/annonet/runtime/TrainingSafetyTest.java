package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Non-finite values in and out of a model, and a compile that fails: nothing is silently spoiled. */
class TrainingSafetyTest {
    private static final Tensor X = TestData.uniform(64, 2, 5);
    private static final Tensor Y = Labels.oneHot(TestData.labels(64, 3, 6), 3);

    /** Every backend, and the CUDA path both replaying recorded steps and running kernel by kernel. */
    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor(), Device.cudaHostExecutor().withoutStepGraphs());
    }

    @ParameterizedTest
    @MethodSource("devices")
    void predictRejectsNonFiniteInputsOnEveryBackend(Device device) {
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 1, 2, 4, 3, 0)) {
            float[] outputs = model.predict(X).toArray();
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                float[] values = X.toArray();
                values[7] = bad;
                assertEquals("x holds " + bad + " at sample 3, value 1; a network takes only finite numbers",
                        assertThrows(IllegalArgumentException.class, () -> model.predict(Tensor.of(values, 64, 2))).getMessage());
            }
            assertArrayEquals(outputs, model.predict(X).toArray(), "a rejected call changes nothing");
        }
    }

    /**
     * The float32 backends (the reference computes in float64 and does not overflow here): the
     * third batch's inputs are finite but so large that its update overflows the weights, so the
     * fourth batch's loss is not finite.
     */
    static Stream<Device> float32Devices() {
        return devices().skip(1);
    }

    @ParameterizedTest
    @MethodSource("float32Devices")
    void aDivergingFitStopsNamingTheBatchAndGoesBackToTheEpochsWeights(Device device) {
        float[] values = X.toArray();
        for (int i = 2 * 8 * 2; i < 3 * 8 * 2; i++) {
            values[i] = 3e38f;
        }
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 1, 2, 8, 3, 0)) {
            float[] initialKernel = model.hidden().kernel().toArray();
            model.compile(Optimizers.sgd(0.1f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            LossNotFiniteException stop = assertThrows(LossNotFiniteException.class,
                    () -> model.fit(Tensor.of(values, 64, 2), Y, Fit.options().batchSize(8).epochs(3).shuffle(false).verbose(0)));
            assertEquals(1, stop.epoch());
            assertEquals(4, stop.batch());
            assertTrue(stop.getMessage().matches("HandScheduledMlp: the loss became (NaN|Infinity) at epoch 1, batch 4; "
                    + "training stopped, and the model keeps the weights it had when epoch 1 began "
                    + "\\(the optimizer's state starts afresh\\)\\. A smaller learning rate.*"), stop.getMessage());
            assertEquals(0, stop.history().epochs());
            assertArrayEquals(initialKernel, model.hidden().kernel().toArray());
            for (float output : model.predict(X).toArray()) {
                assertTrue(Float.isFinite(output), "outputs after the stop: " + output);
            }
            // Trained again on good data, the same model learns on from the weights it kept.
            History history = model.fit(X, Y, Fit.options().batchSize(8).epochs(1).verbose(0));
            assertTrue(Double.isFinite(history.get("loss").get(0)), history.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void aCompileThatThrowsChangesNothing(Device device) {
        try (HandScheduledMlp interrupted = HandScheduledMlp.create(device, 7, 2, 8, 3, 0);
             HandScheduledMlp straight = HandScheduledMlp.create(device, 7, 2, 8, 3, 0)) {
            Fit options = Fit.options().batchSize(16).epochs(1).shuffle(false).verbose(0);
            for (HandScheduledMlp model : new HandScheduledMlp[] {interrupted, straight}) {
                model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy(), Metrics.accuracy());
                model.fit(X, Y, options);
            }
            assertThrows(IllegalArgumentException.class, () -> interrupted.compile(Optimizers.sgd(),
                    Losses.categoricalCrossentropy(), Metrics.accuracy(), Metrics.accuracy()));
            // Adam's moments and the configuration survive: the next epoch is the one never interrupted.
            History resumed = interrupted.fit(X, Y, options);
            History reference = straight.fit(X, Y, options);
            assertEquals(reference.history(), resumed.history());
            assertArrayEquals(straight.hidden().kernel().toArray(), interrupted.hidden().kernel().toArray());
        }
    }
}
