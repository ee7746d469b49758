package dev.annonet.runtime.backend;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.DoubleSupplier;

/**
 * Finite-difference gradient checks in float64 on the reference backend: each value is moved by
 * ±h in turn and the objective's central difference compared with the analytic gradient.
 */
public final class GradientCheck {
    /** Central differences err by O(h²) from curvature and O(ε/h) from rounding: 1e-5 balances both. */
    private static final double STEP = 1e-5;
    private static final double TOLERANCE = 1e-6;
    /** Relative error of gradients near zero is measured against this magnitude instead. */
    private static final double SMALLEST_SCALE = 1e-2;

    private GradientCheck() {
    }

    /** Checks {@code analytic[analyticOffset + i] = ∂objective/∂values[offset + i]} for i in [0, count). */
    public static void assertGradient(String name, DoubleSupplier objective, double[] values, int offset, int count,
                                      double[] analytic, int analyticOffset) {
        for (int i = 0; i < count; i++) {
            double saved = values[offset + i];
            values[offset + i] = saved + STEP;
            double plus = objective.getAsDouble();
            values[offset + i] = saved - STEP;
            double minus = objective.getAsDouble();
            values[offset + i] = saved;
            double numeric = (plus - minus) / (2 * STEP);
            double expected = analytic[analyticOffset + i];
            double scale = Math.max(SMALLEST_SCALE, Math.max(Math.abs(numeric), Math.abs(expected)));
            if (!(Math.abs(numeric - expected) / scale <= TOLERANCE)) {
                fail(name + "[" + i + "]: analytic " + expected + ", finite difference " + numeric);
            }
        }
    }

    /** {@link #assertGradient(String, DoubleSupplier, double[], int, int, double[], int)} over whole arrays. */
    public static void assertGradient(String name, DoubleSupplier objective, double[] values, double[] analytic) {
        assertGradient(name, objective, values, 0, values.length, analytic, 0);
    }
}
