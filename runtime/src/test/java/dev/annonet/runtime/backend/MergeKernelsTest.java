package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertValues;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The merge kernels on the reference backend: known values, Keras's tie rule for Maximum and
 * Minimum, and every merge's gradient (lowered as the processor lowers the layers) against finite
 * differences.
 */
class MergeKernelsTest {
    private static final int INPUTS = 3;
    private static final int COUNT = 12;
    private static final float[] SCALES = {1, 0.17f, -2};

    private final ReferenceBackend backend = new ReferenceBackend();

    @Test
    void eachKindCombinesItsInputs() {
        Memory a = memory(backend, 1, -2, 3);
        Memory b = memory(backend, 4, -5, 3);
        Memory y = backend.allocate(3);
        Memory chosen = backend.allocate(3);
        backend.merge(MergeKind.SUM, 0, 1, 3, a, 0, y, 0, null, 0);
        backend.merge(MergeKind.SUM, 1, 0.5f, 3, b, 0, y, 0, null, 0);
        assertValues(new double[] {3, -4.5, 4.5}, values(y), "a + 0.5 b");
        backend.merge(MergeKind.PRODUCT, 0, 1, 3, a, 0, y, 0, null, 0);
        backend.merge(MergeKind.PRODUCT, 1, 1, 3, b, 0, y, 0, null, 0);
        assertValues(new double[] {4, 10, 9}, values(y), "a · b");
        backend.merge(MergeKind.MAXIMUM, 0, 1, 3, a, 0, y, 0, chosen, 0);
        backend.merge(MergeKind.MAXIMUM, 1, 1, 3, b, 0, y, 0, chosen, 0);
        assertValues(new double[] {4, -2, 3}, values(y), "max(a, b)");
        assertValues(new double[] {1, 0, 0}, values(chosen), "chosen: a tie stays with the first input");
        backend.merge(MergeKind.MINIMUM, 0, 1, 3, a, 0, y, 0, chosen, 0);
        backend.merge(MergeKind.MINIMUM, 1, 1, 3, b, 0, y, 0, chosen, 0);
        assertValues(new double[] {1, -5, 3}, values(y), "min(a, b)");
        assertValues(new double[] {0, 1, 0}, values(chosen), "chosen");
    }

    @Test
    void aTieSendsTheGradientToTheFirstMaximalInput() {
        Memory a = memory(backend, 2, 7);
        Memory b = memory(backend, 5, 7);
        Memory c = memory(backend, 5, 1);
        Memory y = backend.allocate(2);
        Memory chosen = backend.allocate(2);
        Memory[] inputs = {a, b, c};
        for (int i = 0; i < inputs.length; i++) {
            backend.merge(MergeKind.MAXIMUM, i, 1, 2, inputs[i], 0, y, 0, chosen, 0);
        }
        Memory dy = memory(backend, 10, 20);
        double[][] expected = {{0, 20}, {10, 0}, {0, 0}};
        for (int i = 0; i < inputs.length; i++) {
            Memory dx = memory(backend, -1, -1); // overwritten
            backend.mergeChosenBackward(i, 2, chosen, 0, dy, 0, dx, 0);
            assertValues(expected[i], values(dx), "input " + i);
        }
    }

    @Test
    void theLastPassAppliesAnActivationAndKeepsTheSum() {
        Memory a = memory(backend, 1, -2, 3);
        Memory b = memory(backend, 4, -5, -9);
        Memory z = backend.allocate(3);
        Memory y = backend.allocate(3);
        backend.merge(MergeKind.SUM, 0, 1, 3, a, 0, z, 0, null, 0);
        backend.merge(MergeKind.SUM, 1, 0.5f, 3, b, 0, z, 0, null, 0, ActivationFunction.of(Activation.Kind.RELU), y, 0);
        assertValues(new double[] {3, -4.5, -1.5}, values(z), "z = a + 0.5 b");
        assertValues(new double[] {3, 0, 0}, values(y), "y = relu(z)");
    }

    @ParameterizedTest
    @EnumSource(MergeKind.class)
    void gradientsMatchFiniteDifferences(MergeKind kind) {
        assertMergeGradient(kind, ActivationFunction.IDENTITY);
    }

    /** The function in the last input's pass; backward as the planner lowers it: activationBackward, then the merge's. */
    @ParameterizedTest
    @EnumSource(MergeKind.class)
    void gradientsThroughAFusedActivationMatchFiniteDifferences(MergeKind kind) {
        assertMergeGradient(kind, ActivationFunction.of(Activation.Kind.RELU));
        assertMergeGradient(kind, ActivationFunction.of(Activation.Kind.TANH));
    }

    private void assertMergeGradient(MergeKind kind, ActivationFunction f) {
        Random random = new Random(7);
        // inputs one after another in x: distinct values, so that a maximum is smooth
        Memory x = memory(backend, uniform(random, INPUTS * COUNT, -1, 1));
        Memory upstream = memory(backend, uniform(random, COUNT, -1, 1));
        boolean activated = f != ActivationFunction.IDENTITY;
        Memory z = backend.allocate(COUNT);
        Memory y = activated ? backend.allocate(COUNT) : z;
        Memory chosen = backend.allocate(COUNT);
        boolean chooses = kind == MergeKind.MAXIMUM || kind == MergeKind.MINIMUM;
        DoubleSupplier objective = () -> {
            for (int i = 0; i < INPUTS; i++) {
                boolean fused = activated && i == INPUTS - 1;
                backend.merge(kind, i, SCALES[i], COUNT, x, i * COUNT, z, 0, chooses ? chosen : null, 0,
                        fused ? f : ActivationFunction.IDENTITY, fused ? y : null, 0);
            }
            return TestData.dot(values(y), values(upstream));
        };
        objective.getAsDouble();
        Memory dz = upstream;
        if (activated) {
            dz = backend.allocate(COUNT);
            backend.activationBackward(f, 1, COUNT, z, 0, y, 0, upstream, 0, dz, 0);
        }
        Memory dx = backend.allocate(INPUTS * COUNT);
        for (int i = 0; i < INPUTS; i++) {
            switch (kind) {
                case SUM -> backend.merge(MergeKind.SUM, 0, SCALES[i], COUNT, dz, 0, dx, i * COUNT, null, 0);
                case PRODUCT -> {
                    backend.merge(MergeKind.PRODUCT, 0, 1, COUNT, dz, 0, dx, i * COUNT, null, 0);
                    for (int other = 0; other < INPUTS; other++) {
                        if (other != i) {
                            backend.merge(MergeKind.PRODUCT, 1, 1, COUNT, x, other * COUNT, dx, i * COUNT, null, 0);
                        }
                    }
                }
                case MAXIMUM, MINIMUM -> backend.mergeChosenBackward(i, COUNT, chosen, 0, dz, 0, dx, i * COUNT);
            }
        }
        GradientCheck.assertGradient(kind + " then " + f.kind(), objective, values(x), values(dx));
    }

    @Test
    void concatenationIsOneCopyPerInputAndItsGradientOneBack() {
        // two inputs of 2 rows: widths 2 and 3, joined into rows of 5
        Memory a = memory(backend, 1, 2, 3, 4);
        Memory b = memory(backend, 5, 6, 7, 8, 9, 10);
        Memory y = backend.allocate(10);
        backend.copyColumns(2, 2, a, 0, 2, 0, y, 0, 5, 0);
        backend.copyColumns(2, 3, b, 0, 3, 0, y, 0, 5, 2);
        assertValues(new double[] {1, 2, 5, 6, 7, 3, 4, 8, 9, 10}, values(y), "joined");
        Random random = new Random(11);
        Memory x = memory(backend, uniform(random, 10, -1, 1)); // a's 4 values, then b's 6
        Memory upstream = memory(backend, uniform(random, 10, -1, 1));
        DoubleSupplier objective = () -> {
            backend.copyColumns(2, 2, x, 0, 2, 0, y, 0, 5, 0);
            backend.copyColumns(2, 3, x, 4, 3, 0, y, 0, 5, 2);
            return TestData.dot(values(y), values(upstream));
        };
        Memory dx = backend.allocate(10);
        backend.copyColumns(2, 2, upstream, 0, 5, 0, dx, 0, 2, 0);
        backend.copyColumns(2, 3, upstream, 0, 5, 2, dx, 4, 3, 0);
        GradientCheck.assertGradient("concatenation", objective, values(x), values(dx));
    }
}
