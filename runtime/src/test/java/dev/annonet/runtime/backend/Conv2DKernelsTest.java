package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertValues;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;

import dev.annonet.contract.Window2D;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Conv2D's kernels on the reference backend: a hand-computed convolution, and gradients against finite differences. */
class Conv2DKernelsTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    /** The geometries worth telling apart: VALID, SAME with stride 2 (uneven padding), dilation, a wide kernel. */
    static Stream<Window2D> windows() {
        return Stream.of(
                Window2D.input(5, 4, 2).window(3, 3).output(3, 2, 3),
                Window2D.input(5, 6, 2).window(3, 3).strides(2, 2).padding(1, 1).output(3, 3, 2),
                Window2D.input(6, 6, 1).window(2, 2).strides(2, 2).padding(0, 0).output(3, 3, 2),
                Window2D.input(7, 6, 2).window(3, 2).dilation(2, 3).output(3, 3, 2),
                Window2D.input(4, 4, 3).window(1, 4).strides(1, 2).padding(0, 1).output(4, 2, 2));
    }

    @Test
    void convolvesAHandComputedExample() {
        // 3×3 input, one channel; 2×2 kernel, one filter: each output is the sum of its window weighted.
        Window2D w = Window2D.input(3, 3, 1).window(2, 2).output(2, 2, 1);
        Memory x = memory(backend, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Memory kernel = memory(backend, 1, 0, 0, -1);
        Memory columns = backend.allocate(w.outputPositions() * w.patchSize());
        Memory z = backend.allocate(4);
        backend.conv2d(w, 1, x, 0, kernel, 0, columns, 0, z, 0);
        assertValues(new double[] {1 - 5, 2 - 6, 4 - 8, 5 - 9}, values(z), "x ⊛ [[1, 0], [0, -1]]");
    }

    /** The objective Σ u⊙z for a random upstream u; backward as generated code calls it. */
    @ParameterizedTest
    @MethodSource("windows")
    void gradientsMatchFiniteDifferences(Window2D w) {
        int batch = 2;
        Random random = new Random(11);
        Memory x = memory(backend, uniform(random, batch * w.inputSize(), -1, 1));
        Memory kernel = memory(backend, uniform(random, w.patchSize() * w.outputChannels(), -1, 1));
        Memory upstream = memory(backend, uniform(random, batch * w.outputSize(), -1, 1));
        Memory columns = backend.allocate(batch * w.outputPositions() * w.patchSize());
        Memory z = backend.allocate(batch * w.outputSize());
        DoubleSupplier objective = () -> {
            backend.conv2d(w, batch, x, 0, kernel, 0, columns, 0, z, 0);
            return TestData.dot(values(z), values(upstream));
        };
        objective.getAsDouble();
        Memory dKernel = backend.allocate(w.patchSize() * w.outputChannels());
        Memory dColumns = backend.allocate(batch * w.outputPositions() * w.patchSize());
        Memory dx = memory(backend, uniform(random, batch * w.inputSize(), 5, 6)); // overwritten
        backend.conv2dBackward(w, batch, x, 0, kernel, 0, columns, 0, upstream, 0, dKernel, 0, dColumns, 0, dx, 0);
        GradientCheck.assertGradient(w + " kernel", objective, values(kernel), values(dKernel));
        GradientCheck.assertGradient(w + " input", objective, values(x), values(dx));
    }
}
