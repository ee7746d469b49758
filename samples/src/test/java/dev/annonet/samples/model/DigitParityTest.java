package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Evaluation;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metric;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.Weights;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A network with two inputs and two outputs, trained through its typed methods: the weighted
 * total loss, each output's loss and accuracy, and one SGD step, against the same network computed
 * here in double precision (the gradient by central differences), on every backend.
 */
class DigitParityTest {
    private static final int SAMPLES = 8;
    private static final float LEARNING_RATE = 0.5f;
    private static final double EVEN_WEIGHT = 0.5;
    /** Trainable weights in layout order: hidden (6 × 5, 5), digit (5 × 4, 4), even (3 × 1, 1). */
    private static final int HIDDEN_KERNEL = 0;
    private static final int HIDDEN_BIAS = 30;
    private static final int DIGIT_KERNEL = 35;
    private static final int DIGIT_BIAS = 55;
    private static final int EVEN_KERNEL = 59;
    private static final int EVEN_BIAS = 62;
    private static final int WEIGHTS = 63;

    private final float[] image = new float[SAMPLES * 6];
    private final float[] metadata = new float[SAMPLES * 3];
    private final float[] digit = new float[SAMPLES * 4];
    private final float[] even = new float[SAMPLES];

    DigitParityTest() {
        Random random = new Random(5);
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < metadata.length; i++) {
            metadata[i] = (float) random.nextGaussian();
        }
        for (int s = 0; s < SAMPLES; s++) {
            digit[s * 4 + random.nextInt(4)] = 1;
            even[s] = random.nextInt(2);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.annonet.samples.model.FixtureAssertions#devices")
    void oneStepFollowsTheWeightedLossOfBothOutputs(Device device, double tolerance) {
        try (DigitParityModel model = DigitParityModel.create(device, 11)) {
            compile(model, Map.of("digit", List.of(Metrics.accuracy()), "even", List.of(Metrics.accuracy())));
            double[] before = trainableWeights(model);
            Pass expected = new Pass(before);

            DigitParityModel.Outputs outputs = model.predictOutputs(tensor(image, 6), tensor(metadata, 3));
            assertArrayEquals(new int[] {SAMPLES, 4}, outputs.digit().shape());
            assertArrayEquals(new int[] {SAMPLES, 1}, outputs.even().shape());
            assertClose("digit", expected.digit, outputs.digit().toArray(), tolerance);
            assertClose("even", expected.even, outputs.even().toArray(), tolerance);

            Evaluation score = model.evaluate(tensor(image, 6), tensor(metadata, 3), tensor(digit, 4), tensor(even, 1));
            assertEquals(List.of("loss", "digit_loss", "even_loss", "digit_accuracy", "even_accuracy"),
                    List.copyOf(score.asMap().keySet()));
            assertEquals(expected.digitLoss, score.get("digit_loss"), tolerance);
            assertEquals(expected.evenLoss, score.get("even_loss"), tolerance);
            assertEquals(expected.digitLoss + EVEN_WEIGHT * expected.evenLoss, score.get("loss"), tolerance);
            assertEquals(expected.digitAccuracy, score.get("digit_accuracy"), 1e-12);
            assertEquals(expected.evenAccuracy, score.get("even_accuracy"), 1e-12);

            History history = model.fit(tensor(image, 6), tensor(metadata, 3), tensor(digit, 4), tensor(even, 1),
                    Fit.options().batchSize(SAMPLES).epochs(1).shuffle(false).verbose(0));
            assertEquals(score.get("loss"), history.get("loss").get(0), tolerance, "the step's loss is the loss before it");
            assertEquals(score.get("even_accuracy"), history.get("even_accuracy").get(0), 1e-12);
            double[] gradient = gradient(before);
            float[] expectedStep = new float[WEIGHTS];
            float[] step = new float[WEIGHTS];
            double[] after = trainableWeights(model);
            for (int i = 0; i < WEIGHTS; i++) {
                expectedStep[i] = (float) (-LEARNING_RATE * gradient[i]);
                step[i] = (float) (after[i] - before[i]);
            }
            assertClose("the SGD step", expectedStep, step, 10 * tolerance);
        }
    }

    /** Both heads learn what they can: the loss falls, validation is named as Keras names it. */
    @Test
    void trainsEndToEndWithAValidationSplit() {
        try (DigitParityModel model = DigitParityModel.create(Device.cpu(), 3)) {
            compile(model, Map.of("even", List.of(Metrics.accuracy())));
            History history = model.fit(tensor(image, 6), tensor(metadata, 3), tensor(digit, 4), tensor(even, 1),
                    Fit.options().batchSize(2).epochs(40).validationSplit(0.25).verbose(0));
            assertEquals(List.of("loss", "digit_loss", "even_loss", "even_accuracy",
                            "val_loss", "val_digit_loss", "val_even_loss", "val_even_accuracy"),
                    List.copyOf(history.history().keySet()));
            List<Double> loss = history.get("loss");
            assertTrue(loss.get(39) < 0.5 * loss.get(0), "the training loss fell from " + loss.get(0) + " to " + loss.get(39));
        }
    }

    /** Validation data given as one tensor per input and per output equal evaluate's values on them. */
    @Test
    void validationDataPerInputAndOutput() {
        try (DigitParityModel model = DigitParityModel.create(Device.reference(), 4)) {
            compile(model, Map.of("digit", List.of(Metrics.accuracy())));
            List<Tensor> inputs = List.of(tensor(image, 6), tensor(metadata, 3));
            List<Tensor> targets = List.of(tensor(digit, 4), tensor(even, 1));
            History history = model.fit(inputs.get(0), inputs.get(1), targets.get(0), targets.get(1),
                    Fit.options().batchSize(4).epochs(2).verbose(0).validationData(inputs, targets));
            Evaluation score = model.evaluate(inputs.get(0), inputs.get(1), targets.get(0), targets.get(1));
            for (String name : List.of("loss", "digit_loss", "even_loss", "digit_accuracy")) {
                assertEquals(score.get(name), history.get("val_" + name).get(1), 1e-9, name);
            }
            IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                    () -> model.fit(inputs.get(0), inputs.get(1), targets.get(0), targets.get(1),
                            Fit.options().verbose(0).validationData(inputs, targets.subList(0, 1))));
            assertEquals("validation y: DigitParity has 2 outputs, but 1 tensors of targets were given", tooFew.getMessage());
        }
    }

    /** The untyped methods take one input and one output, and say which methods to call instead. */
    @Test
    void untypedCallsAndUnknownOutputsAreRefused() {
        try (DigitParityModel model = DigitParityModel.create(Device.reference(), 1)) {
            IllegalArgumentException untyped = assertThrows(IllegalArgumentException.class,
                    () -> model.predict(tensor(image, 6)));
            assertEquals("DigitParity has 2 inputs and 2 outputs: call the generated predictOutputs that takes one tensor"
                    + " per input (image, metadata)", untyped.getMessage());
            assertThrows(IllegalArgumentException.class, model::predictor);
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> model.compile(Optimizers.sgd(0.1f), Map.of("digit", Losses.categoricalCrossentropy(),
                            "odd", Losses.binaryCrossentropy()), Map.of(), Map.of()));
            assertEquals("'odd' is not an output of DigitParity; its outputs are [digit, even]", unknown.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> model.compile(Optimizers.sgd(0.1f), Map.of("digit", Losses.categoricalCrossentropy()),
                            Map.of(), Map.of()));
            assertTrue(missing.getMessage().startsWith("no loss for output 'even' of DigitParity"), missing.getMessage());
            compile(model, Map.of());
            IllegalArgumentException targets = assertThrows(IllegalArgumentException.class,
                    () -> model.evaluate(tensor(image, 6), tensor(metadata, 3), tensor(digit, 4), tensor(digit, 4)));
            assertTrue(targets.getMessage().startsWith("y 'even': expected 1 values per sample"), targets.getMessage());
        }
    }

    private static void compile(DigitParityModel model, Map<String, List<Metric>> metrics) {
        model.compile(Optimizers.sgd(LEARNING_RATE),
                Map.of("digit", Losses.categoricalCrossentropy(), "even", Losses.binaryCrossentropy()),
                Map.of("digit", 1.0, "even", EVEN_WEIGHT), metrics);
    }

    private static Tensor tensor(float[] values, int width) {
        return Tensor.of(values, values.length / width, width);
    }

    private static double[] trainableWeights(DigitParityModel model) {
        double[] all = new double[WEIGHTS];
        int at = 0;
        for (Weights weights : model.weights()) {
            for (float value : weights.toArray()) {
                all[at++] = value;
            }
        }
        assertEquals(WEIGHTS, at);
        return all;
    }

    /** d(total loss)/d(weight) by central differences of {@link Pass}, in double precision. */
    private double[] gradient(double[] weights) {
        double[] gradient = new double[WEIGHTS];
        double h = 1e-6;
        for (int i = 0; i < WEIGHTS; i++) {
            double[] up = weights.clone();
            double[] down = weights.clone();
            up[i] += h;
            down[i] -= h;
            gradient[i] = (new Pass(up).total() - new Pass(down).total()) / (2 * h);
        }
        return gradient;
    }

    /** The network's forward pass over the samples, its losses (means over the samples) and accuracies. */
    private final class Pass {
        final float[] digit = new float[SAMPLES * 4];
        final float[] even = new float[SAMPLES];
        double digitLoss;
        double evenLoss;
        double digitAccuracy;
        double evenAccuracy;

        Pass(double[] w) {
            for (int s = 0; s < SAMPLES; s++) {
                double[] hidden = new double[5];
                for (int j = 0; j < 5; j++) {
                    double z = w[HIDDEN_BIAS + j];
                    for (int i = 0; i < 6; i++) {
                        z += image[s * 6 + i] * w[HIDDEN_KERNEL + i * 5 + j];
                    }
                    hidden[j] = Math.max(0, z);
                }
                double[] logits = new double[4];
                double largest = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < 4; k++) {
                    logits[k] = w[DIGIT_BIAS + k];
                    for (int j = 0; j < 5; j++) {
                        logits[k] += hidden[j] * w[DIGIT_KERNEL + j * 4 + k];
                    }
                    largest = Math.max(largest, logits[k]);
                }
                double sum = 0;
                for (int k = 0; k < 4; k++) {
                    sum += Math.exp(logits[k] - largest);
                }
                int predicted = 0;
                int target = 0;
                for (int k = 0; k < 4; k++) {
                    double p = Math.exp(logits[k] - largest) / sum;
                    digit[s * 4 + k] = (float) p;
                    if (DigitParityTest.this.digit[s * 4 + k] == 1) {
                        digitLoss -= Math.log(p) / SAMPLES;
                        target = k;
                    }
                    if (p > digit[s * 4 + predicted]) {
                        predicted = k;
                    }
                }
                digitAccuracy += predicted == target ? 1.0 / SAMPLES : 0;
                double z = w[EVEN_BIAS];
                for (int i = 0; i < 3; i++) {
                    z += metadata[s * 3 + i] * w[EVEN_KERNEL + i];
                }
                double p = 1 / (1 + Math.exp(-z));
                even[s] = (float) p;
                double y = DigitParityTest.this.even[s];
                evenLoss -= (y * Math.log(p) + (1 - y) * Math.log(1 - p)) / SAMPLES;
                evenAccuracy += (p > 0.5 ? 1 : 0) == y ? 1.0 / SAMPLES : 0;
            }
        }

        double total() {
            return digitLoss + EVEN_WEIGHT * evenLoss;
        }
    }
}
