package dev.annonet.applications;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.Weights;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VGG16 and ResNet50 against scripts/pytorch/applications_fixtures.py, a PyTorch re-implementation
 * of Keras's definitions (ResNet50 v1) run in float64: the same counter-based weights, written
 * here to a safetensors file and loaded as Model.load loads one, the same two inputs, and the
 * 1000 probabilities and log-probabilities (the logits less their log-sum-exp) of each to 1e-4
 * relative on the CPU backend.
 */
class PyTorchNumericsTest {
    private static final int[] INPUT_SHAPE = {2, 224, 224, 3};
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    @Test
    void resNet50MatchesPyTorch() throws IOException {
        try (ResNet50Model model = ResNet50Model.create(Device.cpu(), 1)) {
            assertMatches(model, 3.5, "resnet50_counter.safetensors", model::predict);
        }
    }

    @Test
    void vgg16MatchesPyTorch() throws IOException {
        try (VGG16Model model = VGG16Model.create(Device.cpu(), 1)) {
            assertMatches(model, 6, "vgg16_counter.safetensors", model::predict);
        }
    }

    private void assertMatches(Model model, double kernelGain, String fixture, Function<Tensor, Tensor> predict)
            throws IOException {
        SafeTensors.Contents expected = SafeTensors.read(resource("/fixtures/" + fixture));
        Path weights = dir.resolve(model.name() + ".safetensors");
        CounterWeights.write(model, kernelGain, weights);
        model.load(weights);
        for (Weights w : model.weights()) {
            double sum = 0;
            for (float v : w.toArray()) {
                sum += v;
            }
            assertEquals(expected.get("sum." + w.name()).values()[0], sum, 1e-6 * Math.max(1, Math.abs(sum)),
                    w.name() + ": these weights are not the ones the script gave PyTorch");
        }
        float[] input = CounterWeights.values("input", INPUT_SHAPE, 0);
        float[] probabilities = predict.apply(Tensor.of(input, INPUT_SHAPE)).toArray();
        float[] expectedProbabilities = expected.get("probabilities").values();
        assertRelative("probabilities", expectedProbabilities, probabilities);
        assertRelative("log-probabilities", logSoftmax(expected.get("logits").values()), log(probabilities));
        assertArrayEquals(top(expectedProbabilities, 0), top(probabilities, 0), "first input's top class");
        assertArrayEquals(top(expectedProbabilities, 1), top(probabilities, 1), "second input's top class");
    }

    private static Path resource(String name) throws IOException {
        try {
            return Path.of(PyTorchNumericsTest.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IOException(name + " is not on the test classpath (scripts/pytorch/applications_fixtures.py writes it)", e);
        }
    }

    /** ‖actual − expected‖ / ‖expected‖ below the tolerance. */
    private static void assertRelative(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what);
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            difference += Math.pow((double) actual[i] - expected[i], 2);
            norm += Math.pow(expected[i], 2);
        }
        double relative = Math.sqrt(difference / norm);
        assertTrue(relative < TOLERANCE, what + ": relative error " + relative + " ≥ " + TOLERANCE);
    }

    /** Each row of 1000 logits less its log-sum-exp, in float64. */
    private static float[] logSoftmax(float[] logits) {
        float[] result = new float[logits.length];
        for (int row = 0; row < logits.length; row += 1000) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = row; i < row + 1000; i++) {
                max = Math.max(max, logits[i]);
            }
            double sum = 0;
            for (int i = row; i < row + 1000; i++) {
                sum += Math.exp(logits[i] - max);
            }
            for (int i = row; i < row + 1000; i++) {
                result[i] = (float) (logits[i] - max - Math.log(sum));
            }
        }
        return result;
    }

    private static float[] log(float[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) Math.log(values[i]);
        }
        return result;
    }

    /** The index of the largest of the 1000 values of {@code row}. */
    private static int[] top(float[] values, int row) {
        int best = row * 1000;
        for (int i = row * 1000; i < row * 1000 + 1000; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return new int[] {best - row * 1000};
    }
}
