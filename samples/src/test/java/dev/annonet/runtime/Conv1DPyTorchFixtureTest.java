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
 * The generated Conv1D model against torch's conv1d (NCL, so the fixture permutes to our NLC): one
 * Adam step on a fixed batch, compared with what scripts/pytorch/conv1d_fixture.py computed in
 * float64 with autograd: the causal layer's output, the probabilities, the loss, every gradient
 * (Keras layouts) and the Adam update. Relative error per tensor: below 1e-5 on the reference
 * backend, 1e-4 on the float32 ones (CPU, CUDA).
 */
class Conv1DPyTorchFixtureTest {
    private static final int BATCH = 3;
    /** Per-sample offset of causal's output: after x (9 × 3), causal's im2col columns (9 × 3 · 3) and its z (9 × 4). */
    private static final int CAUSAL = 9 * 3 + 9 * 3 * 3 + 9 * 4;

    private static SafeTensors.Contents step;

    @BeforeAll
    static void readFixture() throws IOException {
        step = FixtureAssertions.fixture("conv1d_step.safetensors");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.runtime.FixtureAssertions#devices")
    void oneAdamStepMatchesPyTorch(Device device, double tolerance) {
        try (CausalConvNetModel model = CausalConvNetModel.create(device, 1)) {
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
            assertClose("causal's output", step.get("causal.output").values(), arenaAt(model, CAUSAL, 9 * 4), tolerance);
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

    private static float[] arenaAt(CausalConvNetModel model, int perSampleOffset, int perSample) {
        float[] values = new float[BATCH * perSample];
        model.backend.download(model.activations(), BATCH * perSampleOffset, values, 0, values.length);
        return values;
    }
}
