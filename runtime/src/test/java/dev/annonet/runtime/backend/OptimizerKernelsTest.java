package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertClose;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;

import dev.annonet.runtime.backend.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Optimizer steps on the reference backend against Keras 3's update formulas worked by hand.
 * Hyperparameters are floats (0.1f ≠ 0.1), hence the 1e-6 tolerance.
 */
class OptimizerKernelsTest {
    private static final double TOLERANCE = 1e-6;
    private final ReferenceBackend backend = new ReferenceBackend();

    @Test
    void plainSgdNeedsNoVelocity() {
        Memory w = memory(backend, 1, -2);
        backend.update(new UpdateRule.Sgd(0, false), 2, w, memory(backend, 0.5, 0.25), null, null, 0.1f, 1);
        assertClose(new double[] {0.95, -2.025}, values(w), TOLERANCE, "w - lr·g");
    }

    /** v = 0.9v - 0.1·0.5 (-0.05, then -0.095); w += v, or with Nesterov w += 0.9v - 0.1·0.5. */
    @ParameterizedTest
    @CsvSource({"false, 0.95, 0.855", "true, 0.905, 0.7695"})
    void sgdWithMomentum(boolean nesterov, double afterStep1, double afterStep2) {
        Memory w = memory(backend, 1);
        Memory v = backend.allocate(1);
        Memory g = memory(backend, 0.5);
        UpdateRule sgd = new UpdateRule.Sgd(0.9f, nesterov);
        backend.update(sgd, 1, w, g, v, null, 0.1f, 1);
        assertClose(new double[] {afterStep1}, values(w), TOLERANCE, "step 1");
        backend.update(sgd, 1, w, g, v, null, 0.1f, 2);
        assertClose(new double[] {afterStep2}, values(w), TOLERANCE, "step 2");
    }

    /** Keras's docstring example: loss w²/2 from w = 10, lr 0.1, gives 9.683772 after one step. */
    @Test
    void rmspropDividesByTheRootOfVelocityPlusEpsilon() {
        Memory w = memory(backend, 10);
        Memory v = backend.allocate(1);
        Memory g = backend.allocate(1);
        double[] expected = {9.683772235564302, 9.45788024948112};
        for (double expectedW : expected) {
            backend.copy(w, 0, g, 0, 1); // d(w²/2)/dw = w
            backend.update(new UpdateRule.RmsProp(0.9f, 1e-7f), 1, w, g, v, null, 0.1f, 1);
            assertClose(new double[] {expectedW}, values(w), TOLERANCE, "rmsprop");
        }
    }

    /** m += (g - m)(1 - β1); v += (g² - v)(1 - β2); w -= lr·sqrt(1 - β2^t)/(1 - β1^t)·m/(sqrt(v) + ε). */
    @Test
    void adamWithKerasEpsilonHat() {
        Memory w = memory(backend, 1);
        Memory m = backend.allocate(1);
        Memory v = backend.allocate(1);
        UpdateRule adam = new UpdateRule.Adam(0.9f, 0.999f, 1e-7f);
        backend.update(adam, 1, w, memory(backend, 0.5), m, v, 0.001f, 1);
        assertClose(new double[] {0.9990000063245154}, values(w), TOLERANCE, "step 1");
        backend.update(adam, 1, w, memory(backend, -0.25), m, v, 0.001f, 2);
        assertClose(new double[] {0.9987336707920792}, values(w), TOLERANCE, "step 2");
    }
}
