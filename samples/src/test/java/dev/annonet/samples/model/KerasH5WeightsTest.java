package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.fixturePath;
import static dev.annonet.samples.model.FixtureAssertions.weight;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.annonet.runtime.Device;
import java.io.IOException;
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

    @ParameterizedTest
    @ValueSource(strings = {"small_cnn_weights.h5", "small_cnn_model.h5"})
    void loadsConvolutionNormalizationAndDenseWeights(String file) throws IOException {
        try (SmallCnnModel model = SmallCnnModel.create(Device.cpu(), 7)) {
            model.loadKerasWeights(fixturePath("keras/" + file));
            assertArrayEquals(expected(1, 0, 3 * 3 * 2 * 4), weight(model, "conv.kernel").toArray());
            assertArrayEquals(expected(1, 1, 4), weight(model, "conv.bias").toArray());
            String[] norm = {"gamma", "beta", "moving_mean", "moving_variance"};
            for (int w = 0; w < norm.length; w++) {
                assertArrayEquals(expected(2, w, 4), weight(model, "norm." + norm[w]).toArray(), norm[w]);
            }
            assertArrayEquals(expected(6, 0, 16 * 3), weight(model, "output.kernel").toArray());
            assertArrayEquals(expected(6, 1, 3), weight(model, "output.bias").toArray());
        }
    }

    @Test
    void loadsDepthwiseSeparableAndScalelessNormalizationWeights() throws IOException {
        try (SmallSeparableModel model = SmallSeparableModel.create(Device.cpu(), 7)) {
            model.loadKerasWeights(fixturePath("keras/small_separable_weights.h5"));
            assertArrayEquals(expected(1, 0, 3 * 3 * 3 * 2), weight(model, "dw.depthwise_kernel").toArray());
            String[] norm = {"beta", "moving_mean", "moving_variance"};
            for (int w = 0; w < norm.length; w++) {
                assertArrayEquals(expected(2, w, 6), weight(model, "dw_bn." + norm[w]).toArray(), norm[w]);
            }
            assertArrayEquals(expected(3, 0, 3 * 3 * 6), weight(model, "sep.depthwise_kernel").toArray());
            assertArrayEquals(expected(3, 1, 6 * 4), weight(model, "sep.pointwise_kernel").toArray());
            assertArrayEquals(expected(3, 2, 4), weight(model, "sep.bias").toArray());
            assertArrayEquals(expected(5, 0, 4 * 3), weight(model, "output.kernel").toArray());
        }
    }
}
