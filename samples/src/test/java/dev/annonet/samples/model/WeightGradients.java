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
import java.util.function.Function;

/**
 * A model's weight gradients for a mean-squared-error batch: by one full-batch step, against central
 * differences of the loss, and the fast backends' against the reference's.
 */
final class WeightGradients {
    private static final double STEP = 1e-3;

    private final List<String> trainable;
    private final Tensor x;
    private final Tensor y;
    private final int samples;

    WeightGradients(List<String> trainable, Tensor x, Tensor y, int samples) {
        this.trainable = trainable;
        this.x = x;
        this.y = y;
        this.samples = samples;
    }

    /** The gradients of one full-batch step, the weights put back as they were before it. */
    Map<String, float[]> ofOneStep(Model model) {
        Map<String, float[]> before = new LinkedHashMap<>();
        for (String name : trainable) {
            before.put(name, weight(model, name).toArray());
        }
        model.compile(Optimizers.sgd(0.1f), Losses.meanSquaredError());
        model.fit(x, y, Fit.options().batchSize(samples).epochs(1).shuffle(false).verbose(0));
        Map<String, float[]> gradients = new LinkedHashMap<>();
        for (String name : trainable) {
            gradients.put(name, ModelInternals.gradient(model, name));
            weight(model, name).set(before.get(name));
        }
        return gradients;
    }

    /** Each of {@link #ofOneStep}'s gradients against the central difference of the loss, to 1e-4 relative. */
    void assertMatchFiniteDifferences(Model model) {
        Map<String, float[]> gradients = ofOneStep(model);
        for (String name : trainable) {
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

    /** The gradients on the CPU backend and the CUDA kernels (host executor) against the reference's, to 1e-4. */
    void assertFastBackendsMatchReference(Function<Device, Model> create) {
        Map<String, float[]> expected;
        try (Model model = create.apply(Device.reference())) {
            expected = ofOneStep(model);
        }
        for (Device device : List.of(Device.cpu(), Device.cudaHostExecutor())) {
            try (Model model = create.apply(device)) {
                Map<String, float[]> actual = ofOneStep(model);
                for (String name : trainable) {
                    assertClose(device + " " + name, expected.get(name), actual.get(name), 1e-4);
                }
            }
        }
    }

    /** {@code count} values uniform in [-1, 1). */
    static float[] uniform(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return values;
    }

    private double loss(Model model) {
        return model.evaluate(x, y, samples).get("loss");
    }
}
