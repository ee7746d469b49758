package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.ActivationFunction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The model's own API: summary, counts, initialization, weight views, predict, close. */
class ModelTest {

    @Test
    void summaryIsKerasTable() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 42, 784, 512, 10, 0.2)) {
            assertEquals("""
                    Model: "HandScheduledMlp"
                    _________________________________________________________________
                     Layer (type)                Output Shape              Param #
                    =================================================================
                     image (InputLayer)          (None, 784)               0

                     hidden (Dense)              (None, 512)               401920

                     dropout (Dropout)           (None, 512)               0

                     output (Dense)              (None, 10)                5130
                    =================================================================
                    Total params: 407,050
                    Trainable params: 407,050
                    Non-trainable params: 0
                    Batch memory per sample: 18.8 KB for training, 9.4 KB for prediction (float32)
                    _________________________________________________________________
                    """, model.summaryText());
            assertEquals(407_050, model.parameterCount());
            assertEquals(407_050, model.trainableParameterCount());
            assertEquals(0, model.nonTrainableParameterCount());
            assertEquals("HandScheduledMlp", model.name());
            assertEquals(Device.reference(), model.device());
        }
    }

    @Test
    void summaryPrintsToStandardOutput() {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 42, 2, 3, 2, 0)) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            model.summary();
            assertEquals(model.summaryText(), captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void summaryCountsFixedWeightsAsNonTrainableAndWidensForLongNames() {
        try (HandScheduledDense perceptron = orPerceptron()) {
            String summary = perceptron.summaryText();
            assertTrue(summary.contains("\n out (Dense)                 (None, 1)                 3\n"), summary);
            assertTrue(summary.endsWith("Total params: 3\nTrainable params: 0\nNon-trainable params: 3\n"
                    + "Batch memory per sample: 40 B for training, 16 B for prediction (float32)\n" + "_".repeat(65) + "\n"), summary);
            assertEquals(3, perceptron.parameterCount());
            assertEquals(0, perceptron.trainableParameterCount());
            assertEquals(3, perceptron.nonTrainableParameterCount());
        }
        NetworkLayout wide = NetworkLayout.builder("Wide")
                .input("a_rather_long_input_layer_name", 0, 1000, 1000)
                .output("a_rather_long_input_layer_name", 0, Activation.Kind.LINEAR, 0, 1000, 1000)
                .activationSize(1_000_000)
                .layer("a_rather_long_input_layer_name", "InputLayer", new int[] {1000, 1000}, 0, 0)
                .build();
        String[] lines = Summary.text(wide).split("\n");
        assertEquals(" a_rather_long_input_layer_name (InputLayer)  (None, 1000, 1000)        0", lines[4]);
        assertEquals(lines[1].length(), " a_rather_long_input_layer_name (InputLayer)  ".length() + 26 + 10);
    }

    @Test
    void aNetworkThatIsNotAChainGetsKerasFunctionalSummary() {
        NetworkLayout residual = NetworkLayout.builder("Residual")
                .input("x", 0, 4)
                .output("sum", 8, Activation.Kind.LINEAR, 8, 4)
                .activationSize(12)
                .layer("x", "InputLayer", new int[] {4}, 0, 0)
                .layer("dense", "Dense", new int[] {4}, 20, 20).from("x")
                .layer("sum", "Add", new int[] {4}, 0, 0).from("dense", "x")
                .build();
        String row = "%-32s%-21s%-12s%s";
        assertEquals(String.join("\n",
                "Model: \"Residual\"",
                "_".repeat(98),
                String.format(row, " Layer (type)", "Output Shape", "Param #", "Connected to"),
                "=".repeat(98),
                " x (InputLayer)                 (None, 4)            0",
                "",
                String.format(row, " dense (Dense)", "(None, 4)", "20", "x[0][0]"),
                "",
                String.format(row, " sum (Add)", "(None, 4)", "0", "dense[0][0], x[0][0]"),
                "=".repeat(98),
                "Total params: 0",
                "Trainable params: 0",
                "Non-trainable params: 0",
                "Batch memory per sample: 116 B for training, 48 B for prediction (float32)",
                "_".repeat(98),
                ""), Summary.text(residual));
    }

    @Test
    void glorotUniformKernelsAndZeroBiases() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 42, 784, 512, 10, 0.2)) {
            float[] kernel = model.hidden().kernel().toArray();
            double limit = Math.sqrt(6.0 / (784 + 512));
            double sum = 0;
            double squares = 0;
            for (float w : kernel) {
                assertTrue(Math.abs(w) <= limit, w + " outside ±" + limit);
                sum += w;
                squares += (double) w * w;
            }
            double mean = sum / kernel.length;
            double variance = squares / kernel.length - mean * mean;
            assertEquals(0, mean, 0.01 * limit);
            assertEquals(limit * limit / 3, variance, 0.01 * limit * limit / 3);
            assertArrayEquals(new float[512], model.hidden().bias().toArray());
            assertArrayEquals(new float[10], model.output().bias().toArray());
            double outputLimit = Math.sqrt(6.0 / (512 + 10));
            for (float w : model.output().kernel().toArray()) {
                assertTrue(Math.abs(w) <= outputLimit);
            }
        }
    }

    @Test
    void initializationIsDeterministicForASeed() {
        try (HandScheduledMlp a = HandScheduledMlp.create(Device.reference(), 7, 20, 16, 3, 0.2);
             HandScheduledMlp b = HandScheduledMlp.create(Device.reference(), 7, 20, 16, 3, 0.2);
             HandScheduledMlp c = HandScheduledMlp.create(Device.reference(), 8, 20, 16, 3, 0.2)) {
            assertArrayEquals(a.hidden().kernel().toArray(), b.hidden().kernel().toArray());
            assertArrayEquals(a.output().kernel().toArray(), b.output().kernel().toArray());
            assertFalse(Arrays.equals(a.hidden().kernel().toArray(), c.hidden().kernel().toArray()));
            assertEquals(a.dropoutSeed(2), b.dropoutSeed(2));
            assertNotEquals(a.dropoutSeed(2), c.dropoutSeed(2));
            assertNotEquals(a.dropoutSeed(2), a.dropoutSeed(3));
        }
    }

    @Test
    void weightsViews() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 3, 2, 2, 0)) {
            Weights kernel = model.hidden().kernel();
            assertEquals("hidden.kernel", kernel.name());
            assertArrayEquals(new int[] {3, 2}, kernel.shape());
            assertTrue(kernel.trainable());
            kernel.set(new float[] {1, 2, 3, 4, 5, 6});
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, kernel.toArray());
            assertEquals(4, kernel.get(1, 1));
            assertEquals(5, kernel.get(2, 0));
            assertEquals("hidden", model.hidden().name());
            assertArrayEquals(new int[] {2}, model.hidden().outputShape());
            assertEquals("image", model.image().name());
            assertArrayEquals(new int[] {3}, model.image().outputShape());
            assertEquals("hidden.kernel[3, 2]", kernel.toString());
            assertEquals("hidden (Dense) (None, 2)", model.hidden().toString());
        }
    }

    @Test
    void weightsRejectWrongWrites() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 3, 2, 2, 0)) {
            assertEquals("'hidden.kernel' of shape [3, 2] takes 6 values, but 5 were given",
                    assertThrows(IllegalArgumentException.class, () -> model.hidden().kernel().set(new float[5])).getMessage());
            assertEquals("index [3, 0] is outside shape [3, 2]",
                    assertThrows(IndexOutOfBoundsException.class, () -> model.hidden().kernel().get(3, 0)).getMessage());
        }
        try (HandScheduledDense perceptron = orPerceptron()) {
            Weights kernel = perceptron.out().kernel();
            assertFalse(kernel.trainable());
            assertArrayEquals(new float[] {1, 1}, kernel.toArray());
            assertArrayEquals(new float[] {-0.5f}, perceptron.out().bias().toArray());
            assertEquals("'out.kernel' is fixed in the declaration",
                    assertThrows(IllegalStateException.class, () -> kernel.set(new float[] {2, 2})).getMessage());
        }
        try (HandScheduledDense noBias = HandScheduledDense.create(Device.reference(), 1, 2, 1, ActivationFunction.of(Activation.Kind.LINEAR), false)) {
            assertEquals("layer 'out' has no bias: it is declared with useBias = false",
                    assertThrows(IllegalStateException.class, () -> noBias.out().bias()).getMessage());
            assertEquals("no layer 'missing' in HandScheduledDense; its layers are [x, out]",
                    assertThrows(IllegalArgumentException.class, () -> noBias.layer("missing")).getMessage());
            assertEquals("layer 'x' has no parameter 'x.kernel'",
                    assertThrows(IllegalArgumentException.class, () -> noBias.denseLayer("x")).getMessage());
        }
    }

    @Test
    void thePerceptronComputesOr() {
        try (HandScheduledDense perceptron = orPerceptron()) {
            assertArrayEquals(new float[] {0}, perceptron.predict(new float[] {0, 0}));
            assertArrayEquals(new float[] {1}, perceptron.predict(new float[] {0, 1}));
            assertArrayEquals(new float[] {1}, perceptron.predict(new float[] {1, 0}));
            assertArrayEquals(new float[] {1}, perceptron.predict(new float[] {1, 1}));
            float[][] all = perceptron.predict(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
            assertArrayEquals(new float[][] {{0}, {1}, {1}, {1}}, all);
        }
    }

    @Test
    void predictRunsInBatchesAndMatchesOneSampleAtATime() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 3, 5, 8, 4, 0.5)) {
            Tensor x = TestData.uniform(70, 5, 1);
            Tensor outputs = model.predict(x);
            assertArrayEquals(new int[] {70, 4}, outputs.shape());
            for (int i = 0; i < 70; i++) {
                assertArrayEquals(model.predict(x.row(i)), outputs.row(i), 1e-6f);
            }
            assertArrayEquals(new int[] {0, 4}, model.predict(Tensor.of(new float[0], 0, 5)).shape());
        }
    }

    @Test
    void predictSampleNamesTheInputWhenTheSizeIsWrong() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 3, 5, 8, 4, 0)) {
            assertEquals("input 'image' takes 5 values (shape (None, 5)), but the sample has 4",
                    assertThrows(IllegalArgumentException.class, () -> model.predict(new float[4])).getMessage());
        }
    }

    @Test
    void aClosedModelSaysSo() {
        HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 3, 5, 8, 4, 0);
        model.close();
        model.close();
        assertEquals("model 'HandScheduledMlp' is closed",
                assertThrows(IllegalStateException.class, () -> model.predict(new float[5])).getMessage());
        assertThrows(IllegalStateException.class, () -> model.hidden().kernel().toArray());
        assertThrows(IllegalStateException.class, () -> model.compile(Optimizers.sgd(), Losses.meanSquaredError()));
        assertEquals("HandScheduledMlp on reference", model.toString());
    }

    /** OR with a Heaviside step: w = (1, 1), b = -0.5, as the course declares it. */
    static HandScheduledDense orPerceptron() {
        return HandScheduledDense.fixed(Device.reference(), ActivationFunction.heaviside(0), 2, 1,
                new float[] {1, 1}, new float[] {-0.5f});
    }
}
