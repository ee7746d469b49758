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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Pooling (windowed and global) and zero padding on the reference backend: known values and gradients. */
class PoolingKernelsTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    // 3×3, one channel:  1 2 3 / 4 5 6 / 7 8 9; SAME 2×2 stride 2 pads one row and column after.
    private static final Window2D SAME_2X2 = Window2D.input(3, 3, 1).window(2, 2).strides(2, 2).output(2, 2, 1);

    static Stream<Arguments> windows() {
        Stream<Window2D> windows = Stream.of(
                SAME_2X2,
                Window2D.input(4, 5, 3).window(2, 2).strides(2, 2).output(2, 2, 3),
                Window2D.input(5, 5, 2).window(3, 3).strides(2, 1).padding(1, 1).output(3, 5, 2),
                Window2D.input(3, 4, 2).window(3, 4).strides(3, 4).output(1, 1, 2)); // global
        return windows.flatMap(w -> Stream.of(Arguments.of(PoolingKind.MAX, w), Arguments.of(PoolingKind.AVERAGE, w)));
    }

    @Test
    void sameAverageLeavesThePaddingOutOfItsCount() {
        Memory x = memory(backend, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        Memory y = backend.allocate(4);
        backend.pool2d(PoolingKind.AVERAGE, SAME_2X2, 1, x, 0, y, 0);
        assertValues(new double[] {3, 4.5, 7.5, 9}, values(y), "average");
        backend.pool2d(PoolingKind.MAX, SAME_2X2, 1, x, 0, y, 0);
        assertValues(new double[] {5, 6, 8, 9}, values(y), "max");
    }

    @Test
    void zeroPaddingAndItsBackward() {
        Window2D w = Window2D.input(1, 2, 1).padding(1, 0).output(3, 3, 1); // top 1, bottom 1, left 0, right 1
        Memory x = memory(backend, 1, 2);
        Memory y = backend.allocate(9);
        backend.zeroPad2d(w, 1, x, 0, y, 0);
        assertValues(new double[] {0, 0, 0, 1, 2, 0, 0, 0, 0}, values(y), "padded");
        Memory dx = backend.allocate(2);
        backend.zeroPad2dBackward(w, 1, memory(backend, 1, 2, 3, 4, 5, 6, 7, 8, 9), 0, dx, 0);
        assertValues(new double[] {4, 5}, values(dx), "cropped");
    }

    @ParameterizedTest
    @MethodSource("windows")
    void gradientsMatchFiniteDifferences(PoolingKind kind, Window2D w) {
        int batch = 2;
        Random random = new Random(5);
        Memory x = memory(backend, uniform(random, batch * w.inputSize(), -1, 1)); // distinct values: max is smooth
        Memory upstream = memory(backend, uniform(random, batch * w.outputSize(), -1, 1));
        Memory y = backend.allocate(batch * w.outputSize());
        DoubleSupplier objective = () -> {
            backend.pool2d(kind, w, batch, x, 0, y, 0);
            return TestData.dot(values(y), values(upstream));
        };
        Memory dx = memory(backend, uniform(random, batch * w.inputSize(), 5, 6)); // overwritten
        backend.pool2dBackward(kind, w, batch, x, 0, upstream, 0, dx, 0);
        GradientCheck.assertGradient(kind + " " + w, objective, values(x), values(dx));
    }

    @Test
    void zeroPaddingGradient() {
        Window2D w = Window2D.input(3, 2, 2).padding(2, 1).output(6, 4, 2);
        Random random = new Random(3);
        Memory x = memory(backend, uniform(random, 2 * w.inputSize(), -1, 1));
        Memory upstream = memory(backend, uniform(random, 2 * w.outputSize(), -1, 1));
        Memory y = backend.allocate(2 * w.outputSize());
        DoubleSupplier objective = () -> {
            backend.zeroPad2d(w, 2, x, 0, y, 0);
            return TestData.dot(values(y), values(upstream));
        };
        Memory dx = backend.allocate(2 * w.inputSize());
        backend.zeroPad2dBackward(w, 2, upstream, 0, dx, 0);
        GradientCheck.assertGradient("zero padding", objective, values(x), values(dx));
    }
}
