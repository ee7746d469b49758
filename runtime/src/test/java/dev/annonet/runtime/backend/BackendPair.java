package dev.annonet.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;

/**
 * A fast backend beside the reference backend, for the tests that check every fast backend's
 * kernels against the reference: memories holding the same values on both, kernels run on both,
 * results compared to a relative 1e-4. Both sit behind the op set's argument checks, as a model's do.
 */
public final class BackendPair implements AutoCloseable {
    private static final double TOLERANCE = 1e-4;

    private final Backend fast;
    private final Backend reference = CheckedBackend.wrap(new ReferenceBackend());
    private final Random random;

    public BackendPair(Backend fast, long seed) {
        this.fast = CheckedBackend.wrap(fast);
        this.random = new Random(seed);
    }

    /** The same values in a memory of each backend. */
    public record Twin(Memory fast, Memory reference) {
    }

    public Twin twin(float[] values) {
        Twin twin = new Twin(fast.allocate(values.length), reference.allocate(values.length));
        fast.upload(values, 0, twin.fast(), 0, values.length);
        reference.upload(values, 0, twin.reference(), 0, values.length);
        return twin;
    }

    public float[] uniform(int count, double low, double high) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return values;
    }

    public Twin uniformTwin(int count, double low, double high) {
        return twin(uniform(count, low, high));
    }

    public Random random() {
        return random;
    }

    /** Runs a kernel on each backend, with each backend's memory of every twin. */
    public void onBoth(BiConsumer<Backend, Function<Twin, Memory>> kernel) {
        kernel.accept(fast, Twin::fast);
        kernel.accept(reference, Twin::reference);
    }

    public void assertSameResult(String what, ToDoubleBiFunction<Backend, Function<Twin, Memory>> kernel) {
        double fastResult = kernel.applyAsDouble(fast, Twin::fast);
        double exact = kernel.applyAsDouble(reference, Twin::reference);
        assertClose(new float[] {(float) exact}, new float[] {(float) fastResult}, what);
    }

    /** Every value of the twin, each relative to itself or to a hundredth of the largest (values that cancelled). */
    public void assertMatches(Twin twin, String what) {
        float[][] values = download(twin, 0, twin.fast().size());
        assertClose(values[1], values[0], what);
    }

    /** A region of the twin as a whole: the norm of the difference relative to the reference's norm. */
    public void assertMatchesInNorm(Twin twin, String what, int offset, int count) {
        float[][] values = download(twin, offset, count);
        assertCloseInNorm(values[1], values[0], what + " on " + fast.name());
    }

    /** The norm of the difference relative to the expected values' norm, below 1e-4. */
    public static void assertCloseInNorm(float[] expected, float[] actual, String what) {
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            difference += Math.pow((double) actual[i] - expected[i], 2);
            norm += Math.pow(expected[i], 2);
        }
        double relative = Math.sqrt(difference) / Math.max(Math.sqrt(norm), Double.MIN_NORMAL);
        assertTrue(relative < TOLERANCE, what + ": relative error " + relative);
    }

    /** {@code count} values from {@code offset}: the fast backend's first, the reference's second. */
    public float[][] download(Twin twin, int offset, int count) {
        float[] fastValues = new float[count];
        float[] exact = new float[count];
        fast.download(twin.fast(), offset, fastValues, 0, count);
        reference.download(twin.reference(), offset, exact, 0, count);
        return new float[][] {fastValues, exact};
    }

    private void assertClose(float[] exact, float[] actual, String what) {
        assertClose(exact, "reference", actual, fast.name(), TOLERANCE, what);
    }

    /**
     * Each value within a relative 1e-4 of the expected one, or of a hundredth of the largest
     * expected value for values that cancelled to near zero; the message names both sources.
     */
    public static void assertClose(float[] expected, String expectedName, float[] actual, String actualName, String what) {
        assertClose(expected, expectedName, actual, actualName, TOLERANCE, what);
    }

    /** As above, within a relative {@code tolerance}. */
    public static void assertClose(float[] expected, String expectedName, float[] actual, String actualName,
                                   double tolerance, String what) {
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " values on " + actualName + ", " + expected.length + " on " + expectedName);
        }
        float largest = 0;
        for (float value : expected) {
            largest = Math.max(largest, Math.abs(value));
        }
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(Math.abs(expected[i]), 1e-2 * largest);
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance * scale)) {
                fail(what + "[" + i + "]: " + actualName + " " + actual[i] + ", " + expectedName + " " + expected[i]);
            }
        }
    }

    @Override
    public void close() {
        fast.close();
    }
}
