package dev.annonet.samples.model;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The weight gradients of {@link FanOut}, a graph with fan-out and every merge layer: on the
 * reference backend against central differences of the loss, and on the CPU backend and the CUDA
 * kernels (host executor) against the reference.
 */
class FanOutGradientTest {
    private static final int SAMPLES = 5;
    private static final List<String> TRAINABLE = List.of("trunk.kernel", "trunk.bias", "left.kernel", "left.bias",
            "right.kernel", "right.bias", "wide.kernel", "wide.bias", "output.kernel", "output.bias");

    private final Random random = new Random(3);
    private final WeightGradients gradients = new WeightGradients(TRAINABLE,
            Tensor.of(WeightGradients.uniform(random, SAMPLES * 2 * 3), SAMPLES, 2, 3),
            Tensor.of(WeightGradients.uniform(random, SAMPLES * 4 * 2), SAMPLES, 4, 2), SAMPLES);

    @Test
    void referenceGradientsMatchFiniteDifferences() {
        try (FanOutModel model = FanOutModel.create(Device.reference(), 7)) {
            gradients.assertMatchFiniteDifferences(model);
        }
    }

    @Test
    void fastBackendsMatchTheReference() {
        gradients.assertFastBackendsMatchReference(device -> FanOutModel.create(device, 7));
    }
}
