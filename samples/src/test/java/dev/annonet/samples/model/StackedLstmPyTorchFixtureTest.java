package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.assertClose;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated stacked-LSTM model against torch.nn.LSTM: one Adam step on a fixed batch, compared
 * with what scripts/pytorch/fixtures_lstm.py computed in float64 with autograd: the first layer's
 * output sequence, the probabilities, the loss, every gradient (Keras layouts) and the Adam
 * update. Relative error ‖actual − expected‖ / ‖expected‖ per tensor: below 1e-5 on the
 * reference backend, 1e-4 on the float32 ones (CPU, CUDA).
 */
class StackedLstmPyTorchFixtureTest {
    private static final int BATCH = 3;
    /** Per-sample offset of first's output: after x (5 × 4) and first's workspace (5 × 6 × 6 + 4 × 6). */
    private static final int FIRST_SEQUENCE = 20 + 5 * 6 * 6 + 4 * 6;

    private static SafeTensors.Contents step;

    @BeforeAll
    static void readFixture() throws IOException {
        step = FixtureAssertions.fixture("stacked_lstm_step.safetensors");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.samples.model.FixtureAssertions#devices")
    void oneAdamStepMatchesPyTorch(Device device, double tolerance) {
        try (StackedLstmModel model = StackedLstmModel.create(device, 1)) {
            FixtureAssertions.loadTrainableWeights(model, step);
            model.compile(Optimizers.adam(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            SafeTensors.Entry x = step.get("x");
            SafeTensors.Entry y = step.get("y");
            History history = model.fit(Tensor.of(x.values(), x.shape()), Tensor.of(y.values(), y.shape()),
                    Fit.options().batchSize(BATCH).epochs(1).shuffle(false).verbose(0));

            assertClose("loss", step.get("loss").values(), new float[] {history.get("loss").get(0).floatValue()}, tolerance);
            assertClose("first's sequence", step.get("first.sequence").values(),
                    ModelInternals.activations(model, BATCH, FIRST_SEQUENCE, 5 * 6), tolerance);
            assertClose("probabilities", step.get("probabilities").values(), ModelInternals.output(model, BATCH), tolerance);
            FixtureAssertions.assertAdamStep(model, step, tolerance);
        }
    }


    // The same on GPU 0, run by scripts/gpu-check.sh (the default build leaves out tag gpu).
    @Tag("gpu")
    @Test
    void oneAdamStepMatchesPyTorchOnTheGpu() {
        oneAdamStepMatchesPyTorch(Device.cuda(0), 1e-4);
    }
}
