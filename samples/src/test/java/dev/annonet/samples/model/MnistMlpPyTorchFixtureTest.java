package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.assertClose;
import static dev.annonet.samples.model.FixtureAssertions.minus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.DenseLayer;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.backend.DropoutMask;
import dev.annonet.runtime.io.SafeTensors;
import dev.annonet.samples.mnist.MnistMlpModel;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated MNIST model against PyTorch: one training step of the course's network on a fixed
 * batch, with annonet's dropout mask, compared with what scripts/pytorch/make_fixtures.py
 * computed in float64 with autograd: the forward probabilities, the loss, every gradient, and the
 * weight updates of one RMSprop and one Adam step (Keras's formulas). Relative error is
 * ‖actual − expected‖ / ‖expected‖ per tensor: below 1e-5 on the reference backend, 1e-4 on the
 * float32 ones (CPU, CUDA).
 *
 * <p>It reads the gradients and the output of the step through {@link ModelInternals}.
 */
class MnistMlpPyTorchFixtureTest {
    private static final List<String> PARAMETERS = List.of("hidden.kernel", "hidden.bias", "output.kernel", "output.bias");
    private static final long MODEL_SEED = 42;

    private static SafeTensors.Contents step;
    private static SafeTensors.Contents updates;

    @BeforeAll
    static void readFixtures() throws IOException {
        step = FixtureAssertions.fixture("mnist_mlp_step.safetensors");
        updates = FixtureAssertions.fixture("mnist_mlp_updates.safetensors");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.samples.model.FixtureAssertions#devices")
    void oneRmspropStepMatchesPyTorch(Device device, double tolerance) {
        try (MnistMlpModel model = modelWithFixtureWeights(device)) {
            assertDropoutMaskIsTheFixtures(model);
            model.compile(Optimizers.rmsprop(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            History history = trainOneStep(model, step.get("y"));

            assertClose("loss", step.get("loss").values(), new float[] {history.get("loss").get(0).floatValue()}, tolerance);
            assertClose("probabilities", step.get("probabilities").values(), ModelInternals.output(model, 32), tolerance);
            for (String name : PARAMETERS) {
                assertClose("gradient of " + name, step.get("grad." + name).values(), ModelInternals.gradient(model, name),
                        tolerance);
            }
            assertUpdates(model, "rmsprop.", tolerance);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.samples.model.FixtureAssertions#devices")
    void oneAdamStepMatchesPyTorch(Device device, double tolerance) {
        try (MnistMlpModel model = modelWithFixtureWeights(device)) {
            model.compile(Optimizers.adam(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            trainOneStep(model, step.get("y"));
            assertUpdates(model, "adam.", tolerance);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.samples.model.FixtureAssertions#devices")
    void sparseLabelsGiveTheSameStep(Device device, double tolerance) {
        try (MnistMlpModel model = modelWithFixtureWeights(device)) {
            model.compile(Optimizers.rmsprop(), Losses.sparseCategoricalCrossentropy(), Metrics.accuracy());
            float[] labels = step.get("labels").values();
            History history = trainOneStep(model, new SafeTensors.Entry("labels", new int[] {labels.length, 1}, labels));
            assertClose("loss", step.get("loss").values(), new float[] {history.get("loss").get(0).floatValue()}, tolerance);
            assertUpdates(model, "rmsprop.", tolerance);
        }
    }

    // The same on GPU 0, run by scripts/gpu-check.sh (the default build leaves out tag gpu).

    @Tag("gpu")
    @Test
    void oneRmspropStepMatchesPyTorchOnTheGpu() {
        oneRmspropStepMatchesPyTorch(Device.cuda(0), 1e-4);
    }

    @Tag("gpu")
    @Test
    void oneAdamStepMatchesPyTorchOnTheGpu() {
        oneAdamStepMatchesPyTorch(Device.cuda(0), 1e-4);
    }

    @Tag("gpu")
    @Test
    void sparseLabelsGiveTheSameStepOnTheGpu() {
        sparseLabelsGiveTheSameStep(Device.cuda(0), 1e-4);
    }

    private static MnistMlpModel modelWithFixtureWeights(Device device) {
        MnistMlpModel model = MnistMlpModel.create(device, MODEL_SEED);
        model.hidden().kernel().set(step.get("hidden.kernel").values());
        model.hidden().bias().set(step.get("hidden.bias").values());
        model.output().kernel().set(step.get("output.kernel").values());
        model.output().bias().set(step.get("output.bias").values());
        return model;
    }

    /** The fixture reproduced annonet's mask; check it did, so a drift is reported as such. */
    private static void assertDropoutMaskIsTheFixtures(MnistMlpModel model) {
        float[] mask = step.get("dropout.mask").values();
        long seed = ModelInternals.dropoutSeed(model, 2);
        for (int i = 0; i < mask.length; i++) {
            assertEquals(mask[i] == 1f, DropoutMask.keep(seed, 0, i, 0.2), "dropout mask differs at " + i);
        }
    }

    /** One epoch of one batch holding the whole fixture batch, in order: exactly one step. */
    private static History trainOneStep(MnistMlpModel model, SafeTensors.Entry targets) {
        SafeTensors.Entry x = step.get("x");
        return model.fit(Tensor.of(x.values(), x.shape()), Tensor.of(targets.values(), targets.shape()),
                Fit.options().batchSize(x.shape()[0]).epochs(1).shuffle(false).verbose(0));
    }

    /** Compares w1 − w0, so the check weighs the update itself rather than the much larger weights. */
    private static void assertUpdates(MnistMlpModel model, String prefix, double tolerance) {
        for (String name : PARAMETERS) {
            float[] before = step.get(name).values();
            float[] expected = updates.get(prefix + name).values();
            DenseLayer layer = name.startsWith("hidden") ? model.hidden() : model.output();
            float[] actual = (name.endsWith("kernel") ? layer.kernel() : layer.bias()).toArray();
            assertClose(prefix + name + " update", minus(expected, before), minus(actual, before), tolerance);
        }
    }
}
