package dev.annonet.samples.model;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The weight gradients of {@link DepthwiseSeparable} as the generated model computes them (the
 * processor's lowering: a separable layer's depthwise scratch and its pointwise GEMM): on the
 * reference backend against central differences of the loss, and on the CPU backend and the CUDA
 * kernels (host executor) against the reference.
 */
class DepthwiseSeparableGradientTest {
    private static final int SAMPLES = 3;
    private static final List<String> TRAINABLE = List.of("depthwise.depthwise_kernel", "depthwise.bias",
            "separable.depthwise_kernel", "separable.pointwise_kernel", "separable.bias", "narrow.depthwise_kernel",
            "output.kernel", "output.bias");

    private final Random random = new Random(5);
    private final WeightGradients gradients = new WeightGradients(TRAINABLE,
            Tensor.of(WeightGradients.uniform(random, SAMPLES * 7 * 6 * 2), SAMPLES, 7, 6, 2),
            Tensor.of(WeightGradients.uniform(random, SAMPLES * 2), SAMPLES, 2), SAMPLES);

    @Test
    void referenceGradientsMatchFiniteDifferences() {
        try (DepthwiseSeparableModel model = DepthwiseSeparableModel.create(Device.reference(), 11)) {
            gradients.assertMatchFiniteDifferences(model);
        }
    }

    @Test
    void fastBackendsMatchTheReference() {
        gradients.assertFastBackendsMatchReference(device -> DepthwiseSeparableModel.create(device, 11));
    }
}
