package dev.annonet.samples.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.WeightedLayer;
import dev.annonet.runtime.Weights;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generated accessors of layers with weights return views of them, named and shaped as Keras's. */
class WeightedLayerTest {
    @Test
    void convolutionAndBatchNormalizationWeights() {
        try (SmallCnnModel model = SmallCnnModel.create(Device.cpu(), 1)) {
            assertEquals(List.of("conv.kernel", "conv.bias"), names(model.conv()));
            assertArrayEquals(new int[] {3, 3, 2, 4}, model.conv().weight("kernel").shape());
            assertEquals(List.of("norm.gamma", "norm.beta", "norm.moving_mean", "norm.moving_variance"), names(model.norm()));
            assertArrayEquals(new float[] {1, 1, 1, 1}, model.norm().weight("moving_variance").toArray());

            float[] mean = {0.5f, -0.5f, 0.25f, 0};
            model.norm().weight("moving_mean").set(mean);
            assertArrayEquals(mean, model.norm().weight("moving_mean").toArray());

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.norm().weight("variance"));
            assertEquals("layer 'norm' has no weight 'variance'; it has [gamma, beta, moving_mean, moving_variance]",
                    e.getMessage());
        }
    }

    @Test
    void recurrentWeights() {
        try (StackedLstmModel model = StackedLstmModel.create(Device.cpu(), 1)) {
            WeightedLayer first = model.first();
            assertEquals(List.of("first.kernel", "first.recurrent_kernel", "first.bias"), names(first));
            assertArrayEquals(new int[] {4, 24}, first.weight("kernel").shape());
            assertArrayEquals(new int[] {6, 24}, first.weight("recurrent_kernel").shape());
        }
    }

    private static List<String> names(WeightedLayer layer) {
        return layer.weights().stream().map(Weights::name).toList();
    }
}
