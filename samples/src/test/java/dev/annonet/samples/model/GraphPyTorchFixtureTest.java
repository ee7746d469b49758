package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.assertAdamStep;
import static dev.annonet.samples.model.FixtureAssertions.assertClose;
import static dev.annonet.samples.model.FixtureAssertions.loadTrainableWeights;
import static dev.annonet.samples.model.FixtureAssertions.tensor;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Functional graphs against PyTorch: a residual block (fan-out of the input, Add), an
 * Inception-style block (four branches, SAME max pooling, Concatenate) and a network of two inputs
 * and two outputs (losses per output with loss weights), each one Adam step on a fixed batch
 * compared with what scripts/pytorch/graph_fixtures.py computed in float64: the outputs, the
 * loss, every gradient, the Adam updates and the moving statistics after the step.
 */
class GraphPyTorchFixtureTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.samples.model.FixtureAssertions#devices")
    void residualBlockMatchesPyTorch(Device device, double tolerance) throws IOException {
        try (ResidualBlockModel model = ResidualBlockModel.create(device, 1)) {
            oneStepOfOneOutput(model, FixtureAssertions.fixture("residual_block_step.safetensors"), tolerance);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.samples.model.FixtureAssertions#devices")
    void inceptionBlockMatchesPyTorch(Device device, double tolerance) throws IOException {
        try (InceptionBlockModel model = InceptionBlockModel.create(device, 1)) {
            oneStepOfOneOutput(model, FixtureAssertions.fixture("inception_block_step.safetensors"), tolerance);
        }
    }

    /** ZeroPadding2D, BatchNormalization without gamma or beta, ReLU, Cropping2D, SAME pooling with strides: issue 16's layers. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.samples.model.FixtureAssertions#devices")
    void applicationLayersMatchPyTorch(Device device, double tolerance) throws IOException {
        try (ApplicationLayersModel model = ApplicationLayersModel.create(device, 1)) {
            oneStepOfOneOutput(model, FixtureAssertions.fixture("application_layers_step.safetensors"), tolerance);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.samples.model.FixtureAssertions#devices")
    void twoInputsTwoOutputsMatchPyTorch(Device device, double tolerance) throws IOException {
        SafeTensors.Contents step = FixtureAssertions.fixture("two_inputs_step.safetensors");
        try (TwoInputsModel model = TwoInputsModel.create(device, 1)) {
            loadTrainableWeights(model, step);
            model.compile(Optimizers.adam(),
                    Map.of("digit", Losses.categoricalCrossentropy(), "even", Losses.binaryCrossentropy()),
                    Map.of("digit", 1.0, "even", 0.5), Map.of());
            Tensor image = tensor(step, "x.image");
            Tensor vector = tensor(step, "x.vector");
            // Without dropout or batch statistics, inference before the step is the step's forward pass.
            TwoInputsModel.Outputs outputs = model.predictOutputs(image, vector);
            assertClose("digit", step.get("digit").values(), outputs.digit().toArray(), tolerance);
            assertClose("even", step.get("even").values(), outputs.even().toArray(), tolerance);

            History history = model.fit(image, vector, tensor(step, "y.digit"), tensor(step, "y.even"),
                    Fit.options().batchSize(image.shape()[0]).epochs(1).shuffle(false).verbose(0));
            for (String loss : List.of("loss", "digit_loss", "even_loss")) {
                String stored = loss.equals("loss") ? loss : "loss." + loss.substring(0, loss.indexOf('_'));
                assertClose(loss, step.get(stored).values(), new float[] {history.get(loss).get(0).floatValue()}, tolerance);
            }
            assertAdamStep(model, step, tolerance);
        }
    }

    // The same on GPU 0, run by scripts/gpu-check.sh (the default build leaves out tag gpu).
    @Tag("gpu")
    @Test
    void matchPyTorchOnTheGpu() throws IOException {
        residualBlockMatchesPyTorch(Device.cuda(0), 1e-4);
        inceptionBlockMatchesPyTorch(Device.cuda(0), 1e-4);
        twoInputsTwoOutputsMatchPyTorch(Device.cuda(0), 1e-4);
        applicationLayersMatchPyTorch(Device.cuda(0), 1e-4);
    }

    /** One Adam step of a network of one input and a softmax output trained with categorical cross-entropy. */
    private static void oneStepOfOneOutput(Model model, SafeTensors.Contents step, double tolerance) {
        loadTrainableWeights(model, step);
        model.compile(Optimizers.adam(), Losses.categoricalCrossentropy());
        Tensor x = tensor(step, "x");
        History history = model.fit(x, tensor(step, "y"),
                Fit.options().batchSize(x.shape()[0]).epochs(1).shuffle(false).verbose(0));
        assertClose("loss", step.get("loss").values(), new float[] {history.get("loss").get(0).floatValue()}, tolerance);
        assertClose("probabilities", step.get("probabilities").values(), ModelInternals.output(model, x.shape()[0]),
                tolerance);
        assertAdamStep(model, step, tolerance);
    }
}
