package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Comparisons of the PyTorch fixture tests: relative error of whole tensors, and the slices they compare. */
final class FixtureAssertions {
    private FixtureAssertions() {
    }

    /** ‖actual − expected‖ / ‖expected‖ below {@code tolerance}. */
    static void assertClose(String what, float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what + ": length");
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            difference += Math.pow((double) actual[i] - expected[i], 2);
            norm += Math.pow(expected[i], 2);
        }
        double relative = Math.sqrt(difference) / Math.max(Math.sqrt(norm), Double.MIN_NORMAL);
        assertTrue(relative < tolerance, what + ": relative error " + relative + " ≥ " + tolerance);
    }

    /** The parameter's values in a buffer laid out as the parameters are. */
    static float[] slice(float[] values, NetworkLayout.Parameter p) {
        return slice(values, p.offset(), p.size());
    }

    static float[] minus(float[] a, float[] b) {
        float[] difference = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            difference[i] = a[i] - b[i];
        }
        return difference;
    }

    static float[] slice(float[] values, int offset, int count) {
        float[] slice = new float[count];
        System.arraycopy(values, offset, slice, 0, count);
        return slice;
    }
}
