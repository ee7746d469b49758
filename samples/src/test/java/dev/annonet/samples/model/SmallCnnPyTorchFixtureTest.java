package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.assertClose;
import static dev.annonet.samples.model.FixtureAssertions.minus;
import static dev.annonet.samples.model.FixtureAssertions.weight;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated small CNN (Conv2D SAME stride 2 → BatchNormalization → ReLU → MaxPooling2D →
 * Flatten → Dense softmax) against PyTorch: one Adam step on a fixed batch, compared with what
 * scripts/pytorch/fixtures_cnn.py computed in float64: the probabilities, the loss, every gradient,
 * the Adam updates and the moving statistics after the step. Relative error ‖a − e‖ / ‖e‖ per
 * tensor below 1e-5 on the reference backend, 1e-4 on the float32 ones (CPU, CUDA).
 */
class SmallCnnPyTorchFixtureTest {
    private static final List<String> TRAINABLE = List.of(
            "conv.kernel", "conv.bias", "norm.gamma", "norm.beta", "output.kernel", "output.bias");

    private static SafeTensors.Contents step;

    @BeforeAll
    static void readFixture() throws IOException {
        step = FixtureAssertions.fixture("small_cnn_step.safetensors");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.samples.model.FixtureAssertions#devices")
    void oneAdamStepMatchesPyTorch(Device device, double tolerance) {
        try (SmallCnnModel model = SmallCnnModel.create(device, 1)) {
            for (String name : TRAINABLE) {
                weight(model, name).set(step.get(name).values());
            }
            model.compile(Optimizers.adam(), Losses.categoricalCrossentropy());
            SafeTensors.Entry x = step.get("x");
            SafeTensors.Entry y = step.get("y");
            History history = model.fit(Tensor.of(x.values(), x.shape()), Tensor.of(y.values(), y.shape()),
                    Fit.options().batchSize(x.shape()[0]).epochs(1).shuffle(false).verbose(0));

            assertClose("loss", step.get("loss").values(), new float[] {history.get("loss").get(0).floatValue()}, tolerance);
            assertClose("probabilities", step.get("probabilities").values(), ModelInternals.output(model, x.shape()[0]),
                    tolerance);
            for (String name : TRAINABLE) {
                float[] gradient = ModelInternals.gradient(model, name);
                float[] after = weight(model, name).toArray();
                float[] before = step.get(name).values();
                if (name.equals("conv.bias")) {
                    // Batch normalization subtracts the channel mean, bias included: its gradient is
                    // zero up to rounding, where a relative error means nothing. Adam normalizes
                    // whatever rounding is left, so its update is checked against Keras's formula
                    // applied to that gradient rather than against a bound.
                    assertSmall("gradient of conv.bias", gradient, 1e-6);
                    float[] update = minus(after, before);
                    for (int i = 0; i < gradient.length; i++) {
                        assertEquals(firstAdamUpdate(gradient[i]), update[i], 1e-7, "Adam update of conv.bias[" + i + "]");
                    }
                    continue;
                }
                assertClose("gradient of " + name, step.get("grad." + name).values(), gradient, tolerance);
                assertClose("Adam update of " + name, minus(step.get("adam." + name).values(), before), minus(after, before),
                        tolerance);
            }
            for (String name : List.of("norm.moving_mean", "norm.moving_variance")) {
                assertClose(name, step.get(name).values(), weight(model, name).toArray(), tolerance);
            }
        }
    }


    // The same on GPU 0, run by scripts/gpu-check.sh (the default build leaves out tag gpu).
    @Tag("gpu")
    @Test
    void oneAdamStepMatchesPyTorchOnTheGpu() {
        oneAdamStepMatchesPyTorch(Device.cuda(0), 1e-4);
    }

    /** Keras's Adam at t = 1 with its defaults: -lr·sqrt(1-β2)/(1-β1) · m / (sqrt(v) + ε), m = (1-β1)g, v = (1-β2)g². */
    private static double firstAdamUpdate(double g) {
        double m = 0.1 * g;
        double v = 0.001 * g * g;
        return -1e-3 * Math.sqrt(0.001) / 0.1 * m / (Math.sqrt(v) + 1e-7);
    }

    private static void assertSmall(String what, float[] values, double bound) {
        for (float value : values) {
            assertTrue(Math.abs(value) < bound, what + ": " + value + " is not below " + bound);
        }
    }
}
