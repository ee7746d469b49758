package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.BackendPair.assertCloseInNorm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.runtime.backend.cpu.CpuBackend;
import dev.annonet.runtime.backend.cuda.CudaBackend;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GRU kernels of every backend against torch.nn.GRU: scripts/pytorch/gru_fixture.py computed
 * one layer's outputs and its weight and input gradients in float64 with autograd, returning its
 * sequence and not. Relative error ‖actual − expected‖ / ‖expected‖ per tensor: below 1e-5 on the
 * reference backend, 1e-4 on the float32 ones (CPU, and the CUDA kernels run by the host executor).
 */
class GruPyTorchFixtureTest {
    private static SafeTensors.Contents fixture;

    @BeforeAll
    static void readFixture() throws IOException, URISyntaxException {
        URL resource = GruPyTorchFixtureTest.class.getResource("/fixtures/gru_layer.safetensors");
        assertNotNull(resource, "fixtures/gru_layer.safetensors is not on the test classpath (scripts/pytorch/gru_fixture.py writes it)");
        fixture = SafeTensors.read(Path.of(resource.toURI()));
    }

    static Stream<Arguments> backends() {
        Supplier<Backend> reference = ReferenceBackend::new;
        Supplier<Backend> cpu = CpuBackend::new;
        Supplier<Backend> cudaHostExecutor = () -> CudaBackend.hostExecutor(false);
        return Stream.of(true, false).flatMap(returnSequences -> Stream.of(
                Arguments.of("reference", reference, 1e-5, returnSequences),
                Arguments.of("cpu", cpu, 1e-4, returnSequences),
                Arguments.of("cuda host executor", cudaHostExecutor, 1e-4, returnSequences)));
    }

    @ParameterizedTest(name = "{0}, returnSequences={3}")
    @MethodSource("backends")
    void gruMatchesPyTorch(String name, Supplier<Backend> newBackend, double tolerance, boolean returnSequences) {
        String prefix = returnSequences ? "sequence." : "last.";
        int[] xShape = fixture.get("x").shape();
        int batch = xShape[0];
        int steps = xShape[1];
        int inputs = xShape[2];
        int units = fixture.get("recurrent_kernel").shape()[0];
        RecurrentCell gru = RecurrentCell.GRU;
        float[] weightValues = concat(fixture.get("kernel").values(), fixture.get("recurrent_kernel").values(),
                fixture.get("bias").values());
        assertEquals(gru.weightCount(inputs, units), weightValues.length, "the fixture's weights");
        try (Backend backend = newBackend.get()) {
            Memory x = upload(backend, fixture.get("x").values());
            Memory weights = upload(backend, weightValues);
            Memory dy = upload(backend, fixture.get(prefix + "dy").values());
            Memory workspace = backend.allocate(batch * gru.workspaceSize(steps, units));
            Memory dWorkspace = backend.allocate(batch * gru.workspaceSize(steps, units));
            Memory y = backend.allocate(fixture.get(prefix + "y").values().length);
            Memory dWeights = backend.allocate(weightValues.length);
            Memory dx = backend.allocate(batch * steps * inputs);
            backend.recurrent(gru, batch, steps, inputs, units, returnSequences, x, 0, weights, 0, workspace, 0, y, 0);
            backend.recurrentBackward(gru, batch, steps, inputs, units, returnSequences, x, 0, weights, 0, workspace, 0,
                    dy, 0, dWeights, 0, dWorkspace, 0, dx, 0);

            assertMatches(name + ": y", prefix + "y", backend, y, 0, tolerance);
            int kernelSize = inputs * gru.gates() * units;
            int recurrentSize = units * gru.gates() * units;
            assertMatches(name + ": kernel gradient", prefix + "grad.kernel", backend, dWeights, 0, tolerance);
            assertMatches(name + ": recurrent kernel gradient", prefix + "grad.recurrent_kernel", backend, dWeights,
                    kernelSize, tolerance);
            assertMatches(name + ": bias gradient", prefix + "grad.bias", backend, dWeights, kernelSize + recurrentSize,
                    tolerance);
            assertMatches(name + ": input gradient", prefix + "grad.x", backend, dx, 0, tolerance);
        }
    }

    /** The fixture's tensor {@code entry} against as many values of {@code memory} from {@code offset}. */
    private static void assertMatches(String what, String entry, Backend backend, Memory memory, int offset, double tolerance) {
        float[] expected = fixture.get(entry).values();
        float[] actual = new float[expected.length];
        backend.download(memory, offset, actual, 0, actual.length);
        assertCloseInNorm(expected, actual, tolerance, what);
    }

    private static Memory upload(Backend backend, float[] values) {
        Memory memory = backend.allocate(values.length);
        backend.upload(values, 0, memory, 0, values.length);
        return memory;
    }

    private static float[] concat(float[]... parts) {
        int length = Stream.of(parts).mapToInt(part -> part.length).sum();
        float[] all = new float[length];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
