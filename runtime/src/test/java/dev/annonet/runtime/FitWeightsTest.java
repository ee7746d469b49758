package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Keras's validationSplit, classWeight and sampleWeight, against hand computations, on every backend. */
class FitWeightsTest {
    private static final int SAMPLES = 150;

    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor());
    }

    private static HandScheduledMlp model(Device device, float learningRate) {
        HandScheduledMlp model = HandScheduledMlp.create(device, 3, 2, 8, 3, 0);
        model.compile(Optimizers.sgd(learningRate), Losses.categoricalCrossentropy(), Metrics.accuracy());
        return model;
    }

    /** Keras's "sum_over_batch_size": the weighted losses' sum over the number of samples, not over the weights' sum. */
    @ParameterizedTest
    @MethodSource("devices")
    void theWeightedLossIsDividedByTheSampleCount(Device device) {
        int[] labels = new int[SAMPLES];
        Tensor x = TestData.threeBlobs(labels);
        float[] weights = new float[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            weights[i] = (i % 4) * 0.5f;
        }
        try (HandScheduledMlp model = model(device, 0.1f)) {
            float[] p = model.predict(x).toArray(); // the one step's loss is taken before its update
            double expected = 0;
            for (int i = 0; i < SAMPLES; i++) {
                expected -= weights[i] * Math.log(p[i * 3 + labels[i]]);
            }
            expected /= SAMPLES;
            History history = model.fit(x, Labels.oneHot(labels, 3),
                    Fit.options().batchSize(SAMPLES).shuffle(false).verbose(0).sampleWeight(Tensor.of(weights)));
            assertEquals(expected, history.get("loss").get(0), 1e-5);
        }
    }

    /** Held-out samples keep their sample weights: the validation loss is their weighted mean over their count. */
    @ParameterizedTest
    @MethodSource("devices")
    void aValidationSplitWeighsItsLossByTheHeldOutSamplesWeights(Device device) {
        int[] labels = new int[SAMPLES];
        Tensor x = TestData.threeBlobs(labels);
        float[] weights = new float[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            weights[i] = 1 + (i % 3);
        }
        try (HandScheduledMlp model = model(device, 0.1f)) {
            History history = model.fit(x, Labels.oneHot(labels, 3), Fit.options().batchSize(16).verbose(0)
                    .validationSplit(0.2).sampleWeight(Tensor.of(weights)));
            float[] p = model.predict(x).toArray();
            double expected = 0;
            for (int i = 120; i < SAMPLES; i++) {
                expected -= weights[i] * Math.log(p[i * 3 + labels[i]]);
            }
            assertEquals(expected / 30, history.get("val_loss").get(0), 1e-5);
        }
    }

    /** A class weight is the sample weight of each sample of its class; classes not named weigh 1. */
    @ParameterizedTest
    @MethodSource("devices")
    void classWeightsWeighAsTheSampleWeightsOfTheirClasses(Device device) {
        int[] labels = new int[SAMPLES];
        Tensor x = TestData.threeBlobs(labels);
        Tensor y = Labels.oneHot(labels, 3);
        Map<Integer, Double> classWeight = Map.of(0, 0.5, 2, 3.0);
        float[] weights = new float[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            weights[i] = (float) (double) classWeight.getOrDefault(labels[i], 1.0);
        }
        try (HandScheduledMlp byClass = model(device, 0.1f); HandScheduledMlp bySample = model(device, 0.1f);
             HandScheduledMlp sparse = HandScheduledMlp.create(device, 3, 2, 8, 3, 0)) {
            sparse.compile(Optimizers.sgd(0.1f), Losses.sparseCategoricalCrossentropy(), Metrics.accuracy());
            Fit options = Fit.options().batchSize(16).epochs(2).verbose(0);
            History expected = bySample.fit(x, y, options.sampleWeight(Tensor.of(weights)));
            History actual = byClass.fit(x, y, Fit.options().batchSize(16).epochs(2).verbose(0).classWeight(classWeight));
            assertEquals(expected.history(), actual.history());
            History sparseHistory = sparse.fit(x, Labels.sparse(labels),
                    Fit.options().batchSize(16).epochs(2).verbose(0).classWeight(classWeight));
            assertEquals(expected.get("loss").get(1), sparseHistory.get("loss").get(1), 1e-5);
        }
    }

    /** The last fraction of the samples, before shuffling, is held out: as if given as validation data. */
    @ParameterizedTest
    @MethodSource("devices")
    void aValidationSplitHoldsOutTheLastSamples(Device device) {
        int[] labels = new int[SAMPLES];
        Tensor x = TestData.threeBlobs(labels);
        float[] values = x.toArray();
        float[] targets = Labels.oneHot(labels, 3).toArray();
        int trained = 120; // floor(150 · (1 - 0.2))
        Tensor trainX = Tensor.of(Arrays.copyOfRange(values, 0, trained * 2), trained, 2);
        Tensor trainY = Tensor.of(Arrays.copyOfRange(targets, 0, trained * 3), trained, 3);
        Tensor heldX = Tensor.of(Arrays.copyOfRange(values, trained * 2, SAMPLES * 2), SAMPLES - trained, 2);
        Tensor heldY = Tensor.of(Arrays.copyOfRange(targets, trained * 3, SAMPLES * 3), SAMPLES - trained, 3);
        try (HandScheduledMlp split = model(device, 0.1f); HandScheduledMlp given = model(device, 0.1f)) {
            History expected = given.fit(trainX, trainY, Fit.options().batchSize(16).epochs(2).verbose(0).validationData(heldX, heldY));
            History actual = split.fit(x, Labels.oneHot(labels, 3), Fit.options().batchSize(16).epochs(2).verbose(0).validationSplit(0.2));
            assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy"), List.copyOf(actual.history().keySet()));
            assertEquals(expected.history(), actual.history());
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void weightsAndSplitsThatCannotWorkAreRefused(Device device) {
        Tensor x = TestData.uniform(4, 2, 1);
        Tensor y = Labels.oneHot(new int[] {0, 1, 2, 0}, 3);
        try (HandScheduledMlp model = model(device, 0.1f)) {
            assertEquals("give classWeight or sampleWeight, not both (as Keras)", assertThrows(IllegalArgumentException.class,
                    () -> model.fit(x, y, Fit.options().verbose(0).classWeight(Map.of(0, 2.0)).sampleWeight(Tensor.of(new float[4]))))
                    .getMessage());
            assertEquals("sampleWeight has 3 weights, but x has 4 samples", assertThrows(IllegalArgumentException.class,
                    () -> model.fit(x, y, Fit.options().verbose(0).sampleWeight(Tensor.of(new float[3])))).getMessage());
            assertEquals("validationSplit 0.8 of 4 samples leaves none to train on", assertThrows(IllegalArgumentException.class,
                    () -> model.fit(x, y, Fit.options().verbose(0).validationSplit(0.8))).getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Fit.options().sampleWeight(Tensor.of(new float[] {1, -1})));
        assertThrows(IllegalArgumentException.class, () -> Fit.options().classWeight(Map.of(-1, 1.0)));
        assertThrows(IllegalArgumentException.class, () -> Fit.options().validationSplit(1));
    }
}
