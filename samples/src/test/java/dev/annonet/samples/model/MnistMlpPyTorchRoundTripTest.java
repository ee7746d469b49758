package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.io.SafeTensors;
import dev.annonet.samples.mnist.MnistMlpModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MNIST network's weights between PyTorch and annonet, both ways, through safetensors
 * (scripts/pytorch/roundtrip_mnist.py writes and reads the PyTorch side by hand). Outputs agree
 * to a relative error of 1e-5 on every backend: PyTorch computed its own in float64.
 *
 * <ul>
 *   <li>PyTorch to annonet: weights PyTorch initialized and saved load into the generated model,
 *       which then gives PyTorch's probabilities.
 *   <li>annonet to PyTorch: the committed probabilities are PyTorch's, from the file Model.save
 *       wrote for this seed; and where Debian's PyTorch is installed, the script reads a file saved
 *       now and checks annonet's probabilities itself.
 * </ul>
 */
class MnistMlpPyTorchRoundTripTest {
    private static final double TOLERANCE = 1e-5;
    private static final long ANNONET_SEED = 42;
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("..", "scripts", "pytorch", "roundtrip_mnist.py");

    @TempDir
    Path directory;

    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor());
    }

    @ParameterizedTest
    @MethodSource("devices")
    void weightsPyTorchSavedGivePyTorchsOutputs(Device device) throws IOException {
        SafeTensors.Contents outputs = FixtureAssertions.fixture("mnist_mlp_torch_outputs.safetensors");
        try (MnistMlpModel model = MnistMlpModel.create(device, 1)) {
            model.load(FixtureAssertions.fixturePath("mnist_mlp_torch_weights.safetensors"));
            assertClose("probabilities", outputs.get("probabilities").values(), predict(model, outputs), TOLERANCE);
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void pyTorchGaveTheseOutputsForTheWeightsAnnonetSaves(Device device) throws IOException {
        SafeTensors.Contents outputs = FixtureAssertions.fixture("mnist_mlp_annonet_outputs.safetensors");
        try (MnistMlpModel model = MnistMlpModel.create(device, ANNONET_SEED)) {
            assertClose("probabilities", outputs.get("probabilities").values(), predict(model, outputs), TOLERANCE);
        }
    }

    /** Runs only where Debian's PyTorch is installed (the committed fixtures cover the rest). */
    @Test
    void pyTorchReadsTheWeightsAnnonetSavesAndGivesAnnonetsOutputs() throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(SCRIPT) && torchImports(), "no /usr/bin/python3 with torch, or no " + SCRIPT);
        SafeTensors.Contents inputs = FixtureAssertions.fixture("mnist_mlp_torch_outputs.safetensors");
        Path weights = directory.resolve("annonet_weights.safetensors");
        Path outputs = directory.resolve("annonet_outputs.safetensors");
        try (MnistMlpModel model = MnistMlpModel.create(Device.cpu(), ANNONET_SEED)) {
            model.save(weights);
            float[] probabilities = predict(model, inputs);
            SafeTensors.write(outputs, List.of(inputs.get("x"), new SafeTensors.Entry("probabilities",
                    new int[] {probabilities.length / 10, 10}, probabilities)), Map.of());
        }
        Process check = run(PYTHON.toString(), SCRIPT.toString(), "check", weights.toString(), outputs.toString());
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, waitFor(check), "the script said: " + said);
    }

    private static float[] predict(MnistMlpModel model, SafeTensors.Contents outputs) {
        SafeTensors.Entry x = outputs.get("x");
        return model.predict(Tensor.of(x.values(), x.shape())).toArray();
    }

    private static boolean torchImports() throws IOException, InterruptedException {
        return Files.isExecutable(PYTHON) && waitFor(run(PYTHON.toString(), "-c", "import torch")) == 0;
    }

    private static Process run(String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static int waitFor(Process process) throws InterruptedException {
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("PyTorch took over 5 minutes");
        }
        return process.exitValue();
    }
}
