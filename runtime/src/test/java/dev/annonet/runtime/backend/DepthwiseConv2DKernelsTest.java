package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertValues;
import static dev.annonet.runtime.backend.FixtureTensors.assertMatches;
import static dev.annonet.runtime.backend.FixtureTensors.upload;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.contract.Window2D;
import dev.annonet.dsl.Activation;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DepthwiseConv2D and SeparableConv2D as generated models run them: {@code depthwiseConv2d}, for a
 * separable layer then the pointwise kernel as one {@code matmul} over the batch's positions, and
 * the bias as {@code biasActivation}; backward the same ops' gradients. Every backend against
 * PyTorch's grouped and 1×1 convolutions (scripts/pytorch/depthwise_fixture.py: Keras's VALID and
 * SAME padding with strides, dilation and depth multipliers), a hand-computed example, and the
 * gradients against finite differences on the reference backend.
 */
class DepthwiseConv2DKernelsTest {
    private static final String FIXTURE = "depthwise.safetensors";
    private static final int BATCH = 2;

    /** A fixture case: the depthwise window (its output channels are channels · multiplier) and the pointwise filters, 0 for none. */
    private record Case(Window2D window, int filters) {
    }

    /** The fixture's cases as Keras lays them out: SAME pads total // 2 before (an odd total pads more after). */
    private static final Map<String, Case> CASES = new LinkedHashMap<>();

    static {
        CASES.put("depthwise_valid", new Case(Window2D.input(6, 5, 3).window(3, 3).output(4, 3, 3), 0));
        CASES.put("depthwise_same_even_kernel", new Case(Window2D.input(5, 5, 2).window(2, 2).output(5, 5, 4), 0));
        CASES.put("depthwise_same_strides_2_multiplier_2",
                new Case(Window2D.input(7, 6, 2).window(3, 3).strides(2, 2).padding(1, 0).output(4, 3, 4), 0));
        CASES.put("depthwise_same_dilation_2",
                new Case(Window2D.input(6, 6, 3).window(3, 2).dilation(2, 2).padding(2, 1).output(6, 6, 3), 0));
        CASES.put("depthwise_valid_strides_2_1_multiplier_3",
                new Case(Window2D.input(8, 7, 2).window(2, 3).strides(2, 1).output(4, 5, 6), 0));
        CASES.put("separable_same_strides_2",
                new Case(Window2D.input(7, 6, 3).window(3, 3).strides(2, 2).padding(1, 0).output(4, 3, 6), 4));
        CASES.put("separable_valid_dilation_1_2", new Case(Window2D.input(6, 7, 2).window(3, 2).dilation(1, 2).output(4, 5, 2), 3));
    }

    private static SafeTensors.Contents fixture;

    @BeforeAll
    static void readFixture() throws IOException, URISyntaxException {
        fixture = FixtureTensors.read(DepthwiseConv2DKernelsTest.class, FIXTURE, "scripts/pytorch/depthwise_fixture.py");
    }

    @Test
    void convolvesEachChannelAloneWithItsMultiplierOfFilters() {
        // 2×2 input of 2 channels, 1×2 kernel, multiplier 2: output channel c·2 + m reads channel c only.
        Window2D w = Window2D.input(2, 2, 2).window(1, 2).output(2, 1, 4);
        ReferenceBackend backend = new ReferenceBackend();
        Memory x = memory(backend, 1, 10, 2, 20, 3, 30, 4, 40);
        // kernel[j, c, m] at (j·2 + c)·2 + m: channel 0 by (1, 1) and (1, -1), channel 1 by (0, 2) and (1, 0)
        Memory kernel = memory(backend, 1, 1, 0, 1, 1, -1, 2, 0);
        Memory y = backend.allocate(8);
        backend.depthwiseConv2d(w, 1, x, 0, kernel, 0, y, 0);
        assertValues(new double[] {1 + 2, 1 - 2, 2 * 20, 10, 3 + 4, 3 - 4, 2 * 40, 30}, values(y), "depthwise x");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.annonet.runtime.backend.Conv1DKernelsTest#backends")
    void forwardAndBackwardMatchPyTorch(Supplier<Backend> newBackend, double tolerance) {
        try (Backend backend = newBackend.get()) {
            CASES.forEach((name, c) -> matchesPyTorch(backend, name, c, tolerance));
        }
    }

    private static void matchesPyTorch(Backend backend, String name, Case c, double tolerance) {
        Window2D w = c.window();
        assertEquals(fixture.metadata().get(name + ".pad_top"), String.valueOf(w.padTop()), name + ": padding above");
        assertEquals(fixture.metadata().get(name + ".pad_left"), String.valueOf(w.padLeft()), name + ": padding left");
        int rows = BATCH * w.outputPositions();
        int depth = w.outputChannels();
        int filters = c.filters() == 0 ? depth : c.filters();
        assertArrayEquals(new int[] {BATCH, w.outputHeight(), w.outputWidth(), filters}, fixture.get(name + ".y").shape(),
                name + ": output shape");
        Memory x = upload(fixture, backend, name + ".x");
        Memory kernel = upload(fixture, backend, name + ".depthwise_kernel");
        Memory bias = upload(fixture, backend, name + ".bias");
        Memory dy = upload(fixture, backend, name + ".dy");
        Memory depthwise = backend.allocate(rows * depth);
        Memory pointwise = c.filters() == 0 ? null : upload(fixture, backend, name + ".pointwise_kernel");
        Memory y = pointwise == null ? depthwise : backend.allocate(rows * filters);
        backend.depthwiseConv2d(w, BATCH, x, 0, kernel, 0, depthwise, 0);
        if (pointwise != null) {
            backend.matmul(false, false, rows, filters, depth, depthwise, 0, pointwise, 0, y, 0, false);
        }
        backend.biasActivation(ActivationFunction.of(Activation.Kind.LINEAR), rows, filters, y, 0, bias, 0, y, 0);
        assertMatches(fixture, backend, y, name + ".y", tolerance);

        Memory dBias = backend.allocate(filters);
        Memory dKernel = backend.allocate(w.windowHeight() * w.windowWidth() * depth);
        Memory dx = backend.allocate(BATCH * w.inputSize());
        backend.columnSums(rows, filters, dy, 0, dBias, 0);
        Memory dDepthwise = dy;
        if (pointwise != null) {
            Memory dPointwise = backend.allocate(depth * filters);
            dDepthwise = backend.allocate(rows * depth);
            backend.matmul(true, false, depth, filters, rows, depthwise, 0, dy, 0, dPointwise, 0, false);
            backend.matmul(false, true, rows, depth, filters, dy, 0, pointwise, 0, dDepthwise, 0, false);
            assertMatches(fixture, backend, dPointwise, name + ".dpointwise_kernel", tolerance);
        }
        backend.depthwiseConv2dBackward(w, BATCH, x, 0, kernel, 0, dDepthwise, 0, dKernel, 0, dx, 0);
        assertMatches(fixture, backend, dx, name + ".dx", tolerance);
        assertMatches(fixture, backend, dKernel, name + ".ddepthwise_kernel", tolerance);
        assertMatches(fixture, backend, dBias, name + ".dbias", tolerance);
    }

    static Stream<Window2D> windows() {
        return CASES.values().stream().map(Case::window);
    }

    /** The objective Σ u ⊙ depthwise(x) for a random upstream u; backward as generated code calls it. */
    @ParameterizedTest
    @MethodSource("windows")
    void gradientsMatchFiniteDifferences(Window2D w) {
        ReferenceBackend backend = new ReferenceBackend();
        Random random = new Random(23);
        Memory x = memory(backend, uniform(random, BATCH * w.inputSize(), -1, 1));
        Memory kernel = memory(backend, uniform(random, w.windowHeight() * w.windowWidth() * w.outputChannels(), -1, 1));
        Memory upstream = memory(backend, uniform(random, BATCH * w.outputSize(), -1, 1));
        Memory y = backend.allocate(BATCH * w.outputSize());
        DoubleSupplier objective = () -> {
            backend.depthwiseConv2d(w, BATCH, x, 0, kernel, 0, y, 0);
            return TestData.dot(values(y), values(upstream));
        };
        objective.getAsDouble();
        Memory dKernel = memory(backend, uniform(random, w.windowHeight() * w.windowWidth() * w.outputChannels(), 5, 6));
        Memory dx = memory(backend, uniform(random, BATCH * w.inputSize(), 5, 6)); // both overwritten
        backend.depthwiseConv2dBackward(w, BATCH, x, 0, kernel, 0, upstream, 0, dKernel, 0, dx, 0);
        GradientCheck.assertGradient(w + " kernel", objective, values(kernel), values(dKernel));
        GradientCheck.assertGradient(w + " input", objective, values(x), values(dx));
    }
}
