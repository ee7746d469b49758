package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.fixturePath;
import static dev.annonet.samples.model.FixtureAssertions.weight;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.LoggedMessages;
import dev.annonet.runtime.Model;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keras .h5 weights (scripts/keras/write_h5_fixtures.py, h5py, Keras's layout) into declared
 * networks: a Conv2D's kernel (kh, kw, cin, cout), BatchNormalization's weights in Keras's order
 * (gamma and beta trainable, the moving statistics state; without gamma when scale = false), a
 * Dense after a Flatten, DepthwiseConv2D's depthwise_kernel (kh, kw, cin, multiplier) and
 * SeparableConv2D's depthwise_kernel, pointwise_kernel (1, 1, cin, filters) and bias; layers
 * without weights (input, activation, pooling, flatten) are listed in the file and skipped.
 * Keras's automatic names (conv2d, conv2d_1, ...) match a file that numbers them from elsewhere
 * in the order of their numbers.
 */
class KerasH5WeightsTest {

    /** The script's value(layer, weight, i): layer and weight are indices in the file's lists. */
    private static float[] expected(int layer, int weight, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) ((i % 13 - 6) / 8.0 + layer / 2.0 + weight / 4.0);
        }
        return values;
    }

    /** {@code layer}'s weights, each of {@code size} values, are the file's layer {@code fileLayer}'s, in order. */
    private static void assertSameSizeWeights(Model model, String layer, int fileLayer, int size, String... weights) {
        for (int w = 0; w < weights.length; w++) {
            assertArrayEquals(expected(fileLayer, w, size), weight(model, layer + "." + weights[w]).toArray(),
                    weights[w]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"small_cnn_weights.h5", "small_cnn_model.h5"})
    void loadsConvolutionNormalizationAndDenseWeights(String file) throws IOException {
        try (SmallCnnModel model = SmallCnnModel.create(Device.cpu(), 7)) {
            model.loadKerasWeights(fixturePath("keras/" + file));
            assertArrayEquals(expected(1, 0, 3 * 3 * 2 * 4), weight(model, "conv.kernel").toArray());
            assertArrayEquals(expected(1, 1, 4), weight(model, "conv.bias").toArray());
            assertSameSizeWeights(model, "norm", 2, 4, "gamma", "beta", "moving_mean", "moving_variance");
            assertArrayEquals(expected(6, 0, 16 * 3), weight(model, "output.kernel").toArray());
            assertArrayEquals(expected(6, 1, 3), weight(model, "output.bias").toArray());
        }
    }

    @Test
    void loadsDepthwiseSeparableAndScalelessNormalizationWeights() throws IOException {
        try (SmallSeparableModel model = SmallSeparableModel.create(Device.cpu(), 7)) {
            model.loadKerasWeights(fixturePath("keras/small_separable_weights.h5"));
            assertArrayEquals(expected(1, 0, 3 * 3 * 3 * 2), weight(model, "dw.depthwise_kernel").toArray());
            assertSameSizeWeights(model, "dw_bn", 2, 6, "beta", "moving_mean", "moving_variance");
            assertArrayEquals(expected(3, 0, 3 * 3 * 6), weight(model, "sep.depthwise_kernel").toArray());
            assertArrayEquals(expected(3, 1, 6 * 4), weight(model, "sep.pointwise_kernel").toArray());
            assertArrayEquals(expected(3, 2, 4), weight(model, "sep.bias").toArray());
            assertArrayEquals(expected(5, 0, 4 * 3), weight(model, "output.kernel").toArray());
        }
    }

    @Test
    void automaticNamesNumberedFromOneMatchInOrderAndSayTheyWereShifted() throws IOException {
        Path file = fixturePath("keras/auto_named_from_1_weights.h5");
        List<String> logged;
        try (LoggedMessages info = LoggedMessages.where(record -> record.getLevel() == Level.INFO);
             AutoNamedCnnModel model = AutoNamedCnnModel.create(Device.cpu(), 7)) {
            model.loadKerasWeights(file);
            assertArrayEquals(expected(1, 0, 3 * 3 * 2 * 3), weight(model, "conv2d.kernel").toArray());
            assertArrayEquals(expected(1, 1, 3), weight(model, "conv2d.bias").toArray());
            assertSameSizeWeights(model, "batch_normalization", 2, 3, "gamma", "beta", "moving_mean",
                    "moving_variance");
            assertArrayEquals(expected(3, 0, 3 * 4), weight(model, "conv2d_1.kernel").toArray());
            assertSameSizeWeights(model, "batch_normalization_1", 4, 4, "beta", "moving_mean", "moving_variance");
            assertArrayEquals(expected(6, 0, 64 * 5), weight(model, "dense.kernel").toArray());
            assertArrayEquals(expected(6, 1, 5), weight(model, "dense.bias").toArray());
            assertArrayEquals(expected(7, 0, 5 * 3), weight(model, "predictions.kernel").toArray());
            assertArrayEquals(expected(7, 1, 3), weight(model, "predictions.bias").toArray());
            logged = info.messages();
        }
        String into = file + " into AutoNamedCnn: ";
        assertEquals(List.of(
                into + "2 layer(s) named 'conv2d', 'conv2d_<n>' read in the order of their numbers:"
                        + " conv2d from conv2d_1, conv2d_1 from conv2d_2",
                into + "2 layer(s) named 'batch_normalization', 'batch_normalization_<n>' read in the order of their"
                        + " numbers: batch_normalization from batch_normalization_1, batch_normalization_1 from"
                        + " batch_normalization_2",
                into + "1 layer(s) named 'dense', 'dense_<n>' read in the order of their numbers: dense from dense_1"),
                logged);
    }

    @Test
    void automaticNamesInAnotherNumberInTheFileAreAnErrorAndTheWeightsStay() throws IOException {
        assertAutoNamedRejected("auto_named_extra_conv_weights.h5", "AutoNamedCnn has 2 layer(s) named 'conv2d',"
                + " 'conv2d_<n>' (conv2d, conv2d_1), the file 3 (conv2d_1, conv2d_2, conv2d_3): Keras's automatic"
                + " names, numbered from elsewhere, match in order only where both have as many");
    }

    @Test
    void aShapeThatDiffersAfterRenumberingNamesBothLayers() throws IOException {
        assertAutoNamedRejected("auto_named_wrong_shape_weights.h5", "layer 'dense' ('dense_1' in the file),"
                + " weight 'kernel' ('dense_1/kernel:0' in the file): AutoNamedCnn expects shape [64, 5],"
                + " the file has [60, 5]");
    }

    private static void assertAutoNamedRejected(String name, String problems) throws IOException {
        Path file = fixturePath("keras/" + name);
        try (AutoNamedCnnModel model = AutoNamedCnnModel.create(Device.cpu(), 7)) {
            float[] before = weight(model, "conv2d.kernel").toArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loadKerasWeights(file));
            assertEquals(file + " does not fit AutoNamedCnn: " + problems, e.getMessage());
            assertArrayEquals(before, weight(model, "conv2d.kernel").toArray());
        }
    }
}
