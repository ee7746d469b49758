package dev.annonet.runtime;

import static dev.annonet.runtime.FixtureAssertions.assertClose;
import static dev.annonet.runtime.FixtureAssertions.minus;
import static dev.annonet.runtime.FixtureAssertions.slice;

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
    @MethodSource("dev.annonet.runtime.FixtureAssertions#devices")
    void oneAdamStepMatchesPyTorch(Device device, double tolerance) {
        try (StackedLstmModel model = StackedLstmModel.create(device, 1)) {
            NetworkLayout layout = ((Model) model).layout();
            for (NetworkLayout.Parameter p : layout.parameters()) {
                model.writeParameters(step.get(p.name()).values(), p.offset());
            }
            model.compile(Optimizers.adam(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            SafeTensors.Entry x = step.get("x");
            SafeTensors.Entry y = step.get("y");
            History history = model.fit(Tensor.of(x.values(), x.shape()), Tensor.of(y.values(), y.shape()),
                    Fit.options().batchSize(BATCH).epochs(1).shuffle(false).verbose(0));

            assertClose("loss", step.get("loss").values(), new float[] {history.get("loss").get(0).floatValue()}, tolerance);
            assertClose("first's sequence", step.get("first.sequence").values(), arenaAt(model, FIRST_SEQUENCE, 5 * 6), tolerance);
            assertClose("probabilities", step.get("probabilities").values(),
                    arenaAt(model, layout.output().offset(), layout.output().size()), tolerance);
            float[] gradients = new float[layout.trainableSize()];
            model.backend.download(model.gradients(), 0, gradients, 0, gradients.length);
            for (NetworkLayout.Parameter p : layout.parameters()) {
                assertClose("gradient of " + p.name(), step.get("grad." + p.name()).values(), slice(gradients, p), tolerance);
                float[] after = new float[p.size()];
                model.readParameters(p.offset(), after, 0, after.length);
                float[] before = step.get(p.name()).values();
                assertClose("Adam update of " + p.name(), minus(step.get("adam." + p.name()).values(), before),
                        minus(after, before), tolerance);
            }
        }
    }


    // The same on GPU 0, run by scripts/gpu-check.sh (the default build leaves out tag gpu).
    @Tag("gpu")
    @Test
    void oneAdamStepMatchesPyTorchOnTheGpu() {
        oneAdamStepMatchesPyTorch(Device.cuda(0), 1e-4);
    }
    private static float[] arenaAt(StackedLstmModel model, int perSampleOffset, int perSample) {
        float[] values = new float[BATCH * perSample];
        model.backend.download(model.activations(), BATCH * perSampleOffset, values, 0, values.length);
        return values;
    }
}
