package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.annonet.runtime.backend.BackendPair;
import dev.annonet.runtime.callbacks.Callback;
import dev.annonet.runtime.callbacks.LearningRateSchedule;
import dev.annonet.runtime.callbacks.LearningRateScheduler;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole training steps of another backend against the CPU backend from the same weights, data and
 * seed: dropout, loss, backward and the optimizer update, over two epochs whose last batch is
 * partial (so two batch sizes are recorded and replayed on a backend that records steps). The
 * history agrees to a relative 1e-4; each weight tensor to 1e-4 in norm, each weight to 1e-3 (see
 * {@link #WEIGHT_TOLERANCE}).
 */
public abstract class TrainingMatchesCpu {
    /**
     * Adam divides each gradient by its own running magnitude, so a weight whose gradients nearly
     * cancel moves by an amount that the summation order decides: after these 14 steps the CPU
     * backend's own hidden.kernel[295] reads 0.0082980 on a 2-vCPU AVX2 machine and 0.0082988 on
     * the 16-core GPU machine (1e-4 apart), the GPU's 0.0082977. A wrong kernel is off by far more.
     */
    private static final double WEIGHT_TOLERANCE = 1e-3;

    /** The device under test. */
    protected abstract Device device();

    @ParameterizedTest
    @ValueSource(strings = {"adam", "rmsprop", "nesterov"})
    void stepsMatchTheCpuBackend(String optimizer) {
        assertTrainsAsTheCpuBackend(optimizer);
    }

    /**
     * A learning rate that changes from batch to batch (a warm-up, then step decay) reaches every
     * update: a backend that replays recorded steps reads it from its memory, as the update count,
     * instead of replaying the rate it recorded.
     */
    @ParameterizedTest
    @ValueSource(strings = {"adam", "rmsprop", "nesterov"})
    void aScheduledLearningRateMatchesTheCpuBackend(String optimizer) {
        History scheduled = assertTrainsAsTheCpuBackend(optimizer,
                LearningRateScheduler.perBatch(LearningRateSchedule.warmup(4, 0.001f, LearningRateSchedule.stepDecay(0.02f, 0.5f, 3))));
        History constant = assertTrainsAsTheCpuBackend(optimizer);
        assertNotEquals(constant.get("loss"), scheduled.get("loss"));
    }

    /**
     * A dataset streamed to the device under test (through its landing area, where it has one)
     * trains as the CPU backend does from the tensors the dataset holds.
     */
    @Test
    void aStreamedDatasetTrainsAsTheCpuBackend() {
        assertTrainsAsTheCpuBackend("adam", true);
    }

    private History assertTrainsAsTheCpuBackend(String optimizer, Callback... callbacks) {
        return assertTrainsAsTheCpuBackend(optimizer, false, callbacks);
    }

    /**
     * Trains a model on the CPU backend and one on the device under test alike, the latter from a
     * dataset read a batch ahead when {@code streamed}; returns the device's History.
     */
    private History assertTrainsAsTheCpuBackend(String optimizer, boolean streamed, Callback... callbacks) {
        int samples = 100;
        Tensor x = TestData.uniform(samples, 20, 3);
        int[] labels = TestData.labels(samples, 5, 4);
        Tensor y = Labels.oneHot(labels, 5);
        try (HandScheduledMlp expected = HandScheduledMlp.create(Device.cpu(), 7, 20, 32, 5, 0.3);
             HandScheduledMlp actual = HandScheduledMlp.create(device(), 7, 20, 32, 5, 0.3)) {
            History expectedHistory = train(expected, optimizer, x, y, callbacks);
            compile(actual, optimizer);
            Fit options = options(callbacks);
            History actualHistory = streamed ? actual.fit(new ArrayDataset(x, labels, 5, -1), options) : actual.fit(x, y, options);
            assertClose(expectedHistory.get("loss"), actualHistory.get("loss"), "loss");
            assertEquals(expectedHistory.get("accuracy"), actualHistory.get("accuracy"), "accuracy");
            for (String metric : List.of("top_k_categorical_accuracy", "precision", "recall", "auc")) {
                assertClose(expectedHistory.get(metric), actualHistory.get(metric), metric);
            }
            for (Weights weights : List.of(expected.hidden().weight("kernel"), expected.hidden().weight("bias"),
                    expected.output().weight("kernel"), expected.output().weight("bias"))) {
                String name = weights.name().substring(weights.name().indexOf('.') + 1);
                Weights other = (weights.name().startsWith("hidden") ? actual.hidden() : actual.output()).weight(name);
                assertWeightsClose(weights.toArray(), other.toArray(), weights.name());
            }
            return actualHistory;
        }
    }

    /** A recompiled model trains with its new optimizer: nothing recorded for the old one is replayed. */
    @Test
    void recompilingReplacesTheRecordedStep() {
        int samples = 64;
        Tensor x = TestData.uniform(samples, 20, 5);
        Tensor y = Labels.oneHot(TestData.labels(samples, 5, 6), 5);
        try (HandScheduledMlp expected = HandScheduledMlp.create(Device.cpu(), 8, 20, 32, 5, 0.3);
             HandScheduledMlp actual = HandScheduledMlp.create(device(), 8, 20, 32, 5, 0.3)) {
            for (HandScheduledMlp model : List.of(expected, actual)) {
                train(model, "adam", x, y);
                train(model, "nesterov", x, y);
            }
            assertWeightsClose(expected.hidden().weight("kernel").toArray(), actual.hidden().weight("kernel").toArray(),
                    "hidden.kernel after adam, then nesterov");
        }
    }

    private static History train(HandScheduledMlp model, String optimizer, Tensor x, Tensor y, Callback... callbacks) {
        compile(model, optimizer);
        return model.fit(x, y, options(callbacks));
    }

    private static void compile(HandScheduledMlp model, String optimizer) {
        model.compile(switch (optimizer) {
            case "adam" -> Optimizers.adam(0.01f);
            case "rmsprop" -> Optimizers.rmsprop(0.01f);
            default -> Optimizers.sgd(0.05f, 0.9f, true);
        }, Losses.categoricalCrossentropy(), Metrics.accuracy(), Metrics.topKCategoricalAccuracy(2), Metrics.precision(),
                Metrics.recall(), Metrics.auc());
    }

    private static Fit options(Callback... callbacks) {
        return Fit.options().batchSize(16).epochs(2).verbose(0).callbacks(callbacks);
    }

    private void assertClose(List<Double> expected, List<Double> actual, String what) {
        float[] e = new float[expected.size()];
        float[] a = new float[actual.size()];
        for (int i = 0; i < e.length; i++) {
            e[i] = expected.get(i).floatValue();
            a[i] = actual.get(i).floatValue();
        }
        BackendPair.assertClose(e, "cpu", a, device().toString(), what);
    }

    private void assertWeightsClose(float[] expected, float[] actual, String what) {
        BackendPair.assertCloseInNorm(expected, actual, what + " on " + device() + " against cpu");
        BackendPair.assertClose(expected, "cpu", actual, device().toString(), WEIGHT_TOLERANCE, what);
    }
}
