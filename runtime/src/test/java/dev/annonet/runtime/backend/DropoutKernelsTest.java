package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertValues;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Inverted dropout on the reference backend: forward, backward, gradient check. */
class DropoutKernelsTest {
    private static final int COUNT = 10_000;
    private static final double RATE = 0.3;
    private final Backend backend = CheckedBackend.wrap(new ReferenceBackend());

    @Test
    void keepsScaledValuesAndDropsAboutTheRate() {
        Memory x = memory(backend, uniform(new Random(1), COUNT, 1, 2));
        Memory y = backend.allocate(COUNT);
        backend.dropout(RATE, 42, 5, COUNT, x, 0, y, 0);
        int dropped = 0;
        for (int i = 0; i < COUNT; i++) {
            double value = values(y)[i];
            if (value == 0) {
                dropped++;
            } else {
                assertEquals(values(x)[i] * DropoutMask.scale(RATE), value, 1e-12);
            }
        }
        assertEquals(RATE, dropped / (double) COUNT, 0.02);
    }

    @Test
    void theScaleIsTheInverseOfTheExactKeepProbability() {
        // 0.3 · 65536 = 19660.8: 19661 of the 65536 uniforms are dropped.
        assertEquals(19661, DropoutMask.threshold(RATE));
        assertEquals(65536.0 / (65536 - 19661), DropoutMask.scale(RATE), 0);
        assertEquals(1 / (1 - RATE), DropoutMask.scale(RATE), 1e-5);
        assertEquals(1.0, DropoutMask.scale(0), 0);
    }

    @Test
    void backwardUsesTheForwardMaskAndEachStepDrawsANewOne() {
        Memory ones = backend.allocate(COUNT);
        backend.fill(ones, 0, COUNT, 1);
        Memory forward = backend.allocate(COUNT);
        Memory backward = backend.allocate(COUNT);
        Memory nextStep = backend.allocate(COUNT);
        backend.dropout(RATE, 42, 5, COUNT, ones, 0, forward, 0);
        backend.dropoutBackward(RATE, 42, 5, COUNT, ones, 0, backward, 0);
        backend.dropout(RATE, 42, 6, COUNT, ones, 0, nextStep, 0);
        assertTrue(Arrays.equals(values(forward), values(backward)));
        assertFalse(Arrays.equals(values(forward), values(nextStep)));
    }

    @Test
    void rateZeroPassesThroughInPlace() {
        double[] input = {1, -2, 3};
        Memory x = memory(backend, input);
        backend.dropout(0, 42, 5, 3, x, 0, x, 0);
        assertValues(input, values(x), "rate 0");
    }

    @Test
    void rejectsRatesOutsideZeroToOne() {
        Memory x = backend.allocate(3);
        assertThrows(IllegalArgumentException.class, () -> backend.dropout(1, 42, 5, 3, x, 0, x, 0));
        assertThrows(IllegalArgumentException.class, () -> backend.dropoutBackward(-0.1, 42, 5, 3, x, 0, x, 0));
    }

    /** y = dropout(x) with the objective Σ u⊙y; dx = dropoutBackward(u) for the same (seed, step). */
    @Test
    void gradientMatchesFiniteDifferences() {
        int count = 50;
        Random random = new Random(3);
        Memory x = memory(backend, uniform(random, count, -1, 1));
        Memory upstream = memory(backend, uniform(random, count, -1, 1));
        Memory y = backend.allocate(count);
        Memory dx = backend.allocate(count);
        backend.dropoutBackward(0.5, 9, 2, count, upstream, 0, dx, 0);
        GradientCheck.assertGradient("dropout input", () -> {
            backend.dropout(0.5, 9, 2, count, x, 0, y, 0);
            return TestData.dot(values(y), values(upstream));
        }, values(x), values(dx));
    }
}
