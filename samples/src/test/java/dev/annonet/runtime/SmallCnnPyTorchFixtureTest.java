package dev.annonet.runtime;

import static dev.annonet.runtime.FixtureAssertions.assertClose;
import static dev.annonet.runtime.FixtureAssertions.minus;
import static dev.annonet.runtime.FixtureAssertions.slice;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    @MethodSource("dev.annonet.runtime.FixtureAssertions#devices")
    void oneAdamStepMatchesPyTorch(Device device, double tolerance) {
        try (SmallCnnModel model = SmallCnnModel.create(device, 1)) {
            NetworkLayout layout = model.layout();
            for (String name : TRAINABLE) {
                model.writeParameters(step.get(name).values(), parameter(layout, name).offset());
            }
            model.compile(Optimizers.adam(), Losses.categoricalCrossentropy());
            SafeTensors.Entry x = step.get("x");
            SafeTensors.Entry y = step.get("y");
            History history = model.fit(Tensor.of(x.values(), x.shape()), Tensor.of(y.values(), y.shape()),
                    Fit.options().batchSize(x.shape()[0]).epochs(1).shuffle(false).verbose(0));

            assertClose("loss", step.get("loss").values(), new float[] {history.get("loss").get(0).floatValue()}, tolerance);
            float[] probabilities = new float[step.get("probabilities").values().length];
            model.backend.download(model.activations(), x.shape()[0] * layout.output().offset(), probabilities, 0,
                    probabilities.length);
            assertClose("probabilities", step.get("probabilities").values(), probabilities, tolerance);
            float[] gradients = new float[layout.trainableSize()];
            model.backend.download(model.gradients(), 0, gradients, 0, gradients.length);
            for (String name : TRAINABLE) {
                NetworkLayout.Parameter p = parameter(layout, name);
                float[] before = step.get(name).values();
                if (name.equals("conv.bias")) {
                    // Batch normalization subtracts the channel mean, bias included: its gradient is
                    // zero up to rounding, where a relative error means nothing. Adam normalizes
                    // whatever rounding is left, so its update is checked against Keras's formula
                    // applied to that gradient rather than against a bound.
                    float[] gradient = slice(gradients, p.offset(), p.size());
                    assertSmall("gradient of conv.bias", gradient, 1e-6);
                    float[] update = minus(read(model, p), before);
                    for (int i = 0; i < gradient.length; i++) {
                        assertEquals(firstAdamUpdate(gradient[i]), update[i], 1e-7, "Adam update of conv.bias[" + i + "]");
                    }
                    continue;
                }
                assertClose("gradient of " + name, step.get("grad." + name).values(), slice(gradients, p.offset(), p.size()),
                        tolerance);
                assertClose("Adam update of " + name, minus(step.get("adam." + name).values(), before),
                        minus(read(model, p), before), tolerance);
            }
            for (String name : List.of("norm.moving_mean", "norm.moving_variance")) {
                assertClose(name, step.get(name).values(), read(model, parameter(layout, name)), tolerance);
            }
        }
    }


    // The same on GPU 0, run by scripts/gpu-check.sh (the default build leaves out tag gpu).
    @Tag("gpu")
    @Test
    void oneAdamStepMatchesPyTorchOnTheGpu() {
        oneAdamStepMatchesPyTorch(Device.cuda(0), 1e-4);
    }
    private static NetworkLayout.Parameter parameter(NetworkLayout layout, String name) {
        return layout.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    private static float[] read(Model model, NetworkLayout.Parameter p) {
        float[] values = new float[p.size()];
        model.readParameters(p.offset(), values, 0, values.length);
        return values;
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
