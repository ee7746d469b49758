package dev.annonet.runtime.backend;

import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison with a relative tolerance, naming the first element that differs. */
public final class ReferenceAssertions {
    private ReferenceAssertions() {
    }

    /** Values computed in double precision from exact inputs: equal up to rounding. */
    public static void assertValues(double[] expected, double[] actual, String what) {
        assertClose(expected, actual, 1e-12, what);
    }

    /** {@code |e - a| ≤ tolerance · max(1, |e|)} for every element. */
    public static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " values, expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(expected[i] - actual[i]) / Math.max(1, Math.abs(expected[i]));
            if (!(error <= tolerance)) {
                fail(what + "[" + i + "]: " + actual[i] + ", expected " + expected[i]);
            }
        }
    }
}
