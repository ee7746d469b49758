package dev.annonet.runtime.backend;

import dev.annonet.contract.Window2D;
import static dev.annonet.runtime.backend.FixtureTensors.assertMatches;
import static dev.annonet.runtime.backend.FixtureTensors.upload;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.cpu.CpuBackend;
import dev.annonet.runtime.backend.cuda.CudaBackend;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conv1D as generated models run it: a Conv2D over (1, time, features) whose window has height 1,
 * then bias as {@code biasActivation}; backward {@code conv2dBackward} and {@code columnSums}. Every
 * backend against nn.Conv1d (scripts/pytorch/conv1d_fixture.py, Keras's VALID, SAME and CAUSAL
 * padding with strides and dilation), and a dilated causal layer's gradients, bias and activation
 * included, against finite differences on the reference backend.
 */
class Conv1DKernelsTest {
    private static final String FIXTURE = "conv1d.safetensors";
    private static final int BATCH = 2;

    /**
     * The fixture's cases, each as Keras lays it out: padding before the first step is SAME's
     * total // 2 (an odd total pads more after) and CAUSAL's (kernel - 1) · dilation; the output
     * length is (length - span) / strides + 1 for VALID and ⌈length / strides⌉ otherwise.
     */
    private static final Map<String, Window2D> CASES = new LinkedHashMap<>();

    static {
        CASES.put("valid", Window2D.input(1, 9, 3).window(1, 3).output(1, 7, 4));
        CASES.put("same_odd_span", Window2D.input(1, 9, 3).window(1, 3).padding(0, 1).output(1, 9, 4));
        CASES.put("same_even_span", Window2D.input(1, 9, 3).window(1, 4).padding(0, 1).output(1, 9, 4));
        CASES.put("same_strides_2", Window2D.input(1, 10, 2).window(1, 3).strides(1, 2).output(1, 5, 3));
        CASES.put("valid_strides_2", Window2D.input(1, 10, 2).window(1, 3).strides(1, 2).output(1, 4, 3));
        CASES.put("valid_dilation_2", Window2D.input(1, 9, 3).window(1, 3).dilation(1, 2).output(1, 5, 2));
        CASES.put("same_dilation_3", Window2D.input(1, 9, 2).window(1, 2).dilation(1, 3).padding(0, 1).output(1, 9, 3));
        CASES.put("causal", Window2D.input(1, 9, 3).window(1, 3).padding(0, 2).output(1, 9, 4));
        CASES.put("causal_dilation_2", Window2D.input(1, 9, 2).window(1, 3).dilation(1, 2).padding(0, 4).output(1, 9, 3));
        CASES.put("causal_strides_2", Window2D.input(1, 9, 2).window(1, 2).strides(1, 2).padding(0, 1).output(1, 5, 3));
    }

    private static SafeTensors.Contents fixture;

    @BeforeAll
    static void readFixture() throws IOException, URISyntaxException {
        fixture = FixtureTensors.read(Conv1DKernelsTest.class, FIXTURE, "scripts/pytorch/conv1d_fixture.py");
    }

    /** Each backend with its tolerance: the float64 reference tight, the float32 ones looser. */
    static Stream<Arguments> backends() {
        return Stream.of(
                Arguments.of(Named.<Supplier<Backend>>of("reference", ReferenceBackend::new), 1e-5),
                Arguments.of(Named.<Supplier<Backend>>of("cpu", CpuBackend::create), 1e-4),
                Arguments.of(Named.<Supplier<Backend>>of("cuda host executor", () -> CudaBackend.hostExecutor(false)), 1e-4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void forwardAndBackwardMatchPyTorch(Supplier<Backend> newBackend, double tolerance) {
        try (Backend backend = newBackend.get()) {
            CASES.forEach((name, w) -> {
                assertEquals(fixture.metadata().get(name + ".pad_before"), String.valueOf(w.padLeft()),
                        name + ": padding before the first step");
                assertArrayEquals(new int[] {BATCH, w.inputWidth(), w.inputChannels()}, fixture.get(name + ".x").shape(),
                        name + ": input shape");
                assertArrayEquals(new int[] {BATCH, w.outputWidth(), w.outputChannels()}, fixture.get(name + ".y").shape(),
                        name + ": output shape");
                int rows = BATCH * w.outputPositions();
                int filters = w.outputChannels();
                Memory x = upload(fixture, backend, name + ".x");
                Memory kernel = upload(fixture, backend, name + ".kernel");
                Memory bias = upload(fixture, backend, name + ".bias");
                Memory dy = upload(fixture, backend, name + ".dy");
                Memory columns = backend.allocate(rows * w.patchSize());
                Memory y = backend.allocate(rows * filters);
                backend.conv2d(w, BATCH, x, 0, kernel, 0, columns, 0, y, 0);
                backend.biasActivation(ActivationFunction.of(Activation.Kind.LINEAR), rows, filters, y, 0, bias, 0, y, 0);
                assertMatches(fixture, backend, y, name + ".y", tolerance);

                Memory dKernel = backend.allocate(w.patchSize() * filters);
                Memory dColumns = backend.allocate(rows * w.patchSize());
                Memory dx = backend.allocate(BATCH * w.inputSize());
                Memory dBias = backend.allocate(filters);
                backend.conv2dBackward(w, BATCH, x, 0, kernel, 0, columns, 0, dy, 0, dKernel, 0, dColumns, 0, dx, 0);
                backend.columnSums(rows, filters, dy, 0, dBias, 0);
                assertMatches(fixture, backend, dx, name + ".dx", tolerance);
                assertMatches(fixture, backend, dKernel, name + ".dkernel", tolerance);
                assertMatches(fixture, backend, dBias, name + ".dbias", tolerance);
            });
        }
    }

    /** The objective Σ u ⊙ tanh(conv(x) + bias) for a random upstream u; backward as generated code calls it. */
    @Test
    void dilatedCausalGradientsMatchFiniteDifferences() {
        Window2D w = CASES.get("causal_dilation_2");
        ReferenceBackend backend = new ReferenceBackend();
        ActivationFunction tanh = ActivationFunction.of(Activation.Kind.TANH);
        int rows = BATCH * w.outputPositions();
        int filters = w.outputChannels();
        Random random = new Random(17);
        Memory x = memory(backend, uniform(random, BATCH * w.inputSize(), -1, 1));
        Memory kernel = memory(backend, uniform(random, w.patchSize() * filters, -1, 1));
        Memory bias = memory(backend, uniform(random, filters, -0.5, 0.5));
        Memory upstream = memory(backend, uniform(random, rows * filters, -1, 1));
        Memory columns = backend.allocate(rows * w.patchSize());
        Memory z = backend.allocate(rows * filters);
        Memory y = backend.allocate(rows * filters);
        DoubleSupplier objective = () -> {
            backend.conv2d(w, BATCH, x, 0, kernel, 0, columns, 0, z, 0);
            backend.biasActivation(tanh, rows, filters, z, 0, bias, 0, y, 0);
            return TestData.dot(values(y), values(upstream));
        };
        objective.getAsDouble();
        Memory dz = backend.allocate(rows * filters);
        Memory dKernel = backend.allocate(w.patchSize() * filters);
        Memory dColumns = backend.allocate(rows * w.patchSize());
        Memory dx = backend.allocate(BATCH * w.inputSize());
        Memory dBias = backend.allocate(filters);
        backend.activationBackward(tanh, rows, filters, z, 0, y, 0, upstream, 0, dz, 0);
        backend.conv2dBackward(w, BATCH, x, 0, kernel, 0, columns, 0, dz, 0, dKernel, 0, dColumns, 0, dx, 0);
        backend.columnSums(rows, filters, dz, 0, dBias, 0);
        GradientCheck.assertGradient(w + " kernel", objective, values(kernel), values(dKernel));
        GradientCheck.assertGradient(w + " bias", objective, values(bias), values(dBias));
        GradientCheck.assertGradient(w + " input", objective, values(x), values(dx));
    }
}
