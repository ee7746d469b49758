package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.assertClose;
import static dev.annonet.samples.model.FixtureAssertions.weight;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.Weights;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The weight gradients of {@link FanOut}, a graph with fan-out and every merge layer: on the
 * reference backend against central differences of the loss, and on the CPU backend and the CUDA
 * kernels (host executor) against the reference.
 */
class FanOutGradientTest {
    private static final int SAMPLES = 5;
    private static final double STEP = 1e-3;
    private static final List<String> TRAINABLE = List.of("trunk.kernel", "trunk.bias", "left.kernel", "left.bias",
            "right.kernel", "right.bias", "wide.kernel", "wide.bias", "output.kernel", "output.bias");

    private final Random random = new Random(3);
    private final Tensor x = Tensor.of(uniform(SAMPLES * 2 * 3), SAMPLES, 2, 3);
    private final Tensor y = Tensor.of(uniform(SAMPLES * 4 * 2), SAMPLES, 4, 2);

    @Test
    void referenceGradientsMatchFiniteDifferences() {
        try (FanOutModel model = FanOutModel.create(Device.reference(), 7)) {
            Map<String, float[]> gradients = gradients(model);
            for (String name : TRAINABLE) {
                Weights weight = weight(model, name);
                float[] values = weight.toArray();
                float[] analytic = gradients.get(name);
                for (int i = 0; i < values.length; i++) {
                    float saved = values[i];
                    values[i] = (float) (saved + STEP);
                    weight.set(values);
                    double plus = loss(model);
                    values[i] = (float) (saved - STEP);
                    weight.set(values);
                    double minus = loss(model);
                    values[i] = saved;
                    weight.set(values);
                    double numeric = (plus - minus) / ((double) (float) (saved + STEP) - (float) (saved - STEP));
                    double scale = Math.max(1e-2, Math.max(Math.abs(numeric), Math.abs(analytic[i])));
                    assertTrue(Math.abs(numeric - analytic[i]) / scale < 1e-4,
                            name + "[" + i + "]: analytic " + analytic[i] + ", finite difference " + numeric);
                }
            }
        }
    }

    @Test
    void fastBackendsMatchTheReference() {
        Map<String, float[]> expected;
        try (FanOutModel model = FanOutModel.create(Device.reference(), 7)) {
            expected = gradients(model);
        }
        for (Device device : List.of(Device.cpu(), Device.cudaHostExecutor())) {
            try (FanOutModel model = FanOutModel.create(device, 7)) {
                Map<String, float[]> actual = gradients(model);
                for (String name : TRAINABLE) {
                    assertClose(device + " " + name, expected.get(name), actual.get(name), 1e-4);
                }
            }
        }
    }

    /** The gradients of one full-batch step, the weights put back as they were before it. */
    private Map<String, float[]> gradients(Model model) {
        Map<String, float[]> before = new LinkedHashMap<>();
        for (String name : TRAINABLE) {
            before.put(name, weight(model, name).toArray());
        }
        model.compile(Optimizers.sgd(0.1f), Losses.meanSquaredError());
        model.fit(x, y, Fit.options().batchSize(SAMPLES).epochs(1).shuffle(false).verbose(0));
        Map<String, float[]> gradients = new LinkedHashMap<>();
        for (String name : TRAINABLE) {
            gradients.put(name, ModelInternals.gradient(model, name));
            weight(model, name).set(before.get(name));
        }
        return gradients;
    }

    private double loss(Model model) {
        return model.evaluate(x, y, SAMPLES).get("loss");
    }

    private float[] uniform(int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }
}
