package dev.annonet.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.annonet.runtime.backend.BackendPair.Twin;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fast backend's metric counts ({@link Backend#countMetric}) equal the reference backend's, count
 * for count, on the same float outputs: random values with ties, values exactly at 0, 0.5 and 1,
 * and values outside [0, 1]; targets one-hot, multi-label or class indices; at offsets, as the
 * trainer lays them out.
 */
public abstract class MetricKernelsMatchReference {
    private static final int ROWS = 300;
    private static final int COLS = 7;
    private static final int Y_OFFSET = 5;
    private static final int TARGETS_OFFSET = 3;
    private static final int COUNTS_OFFSET = 2;

    private final Backend fast = CheckedBackend.wrap(newFastBackend());
    private final BackendPair pair = new BackendPair(fast, 4321);

    /** The backend under test, new for each test. */
    protected abstract Backend newFastBackend();

    @AfterEach
    void close() {
        pair.close();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void topK(boolean sparse) {
        for (int k : new int[] {1, 2, 5, COLS}) {
            assertSameCounts(MetricCounter.topK(k, sparse));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void confusion(boolean sparse) {
        assertSameCounts(MetricCounter.confusion(0.5f, 0, -1, sparse));
        assertSameCounts(MetricCounter.confusion(0.25f, 0, 3, sparse));
        assertSameCounts(MetricCounter.confusion(MetricCounter.BELOW_EVERY_OUTPUT, 2, -1, sparse));
        assertSameCounts(MetricCounter.confusion(0.3f, 3, 6, sparse));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void thresholdBuckets(boolean sparse) {
        for (int thresholds : new int[] {2, 3, 200}) {
            assertSameCounts(MetricCounter.thresholdBuckets(thresholds, sparse));
        }
    }

    private void assertSameCounts(MetricCounter counter) {
        Random random = pair.random();
        float[] y = new float[Y_OFFSET + ROWS * COLS];
        for (int i = Y_OFFSET; i < y.length; i++) {
            y[i] = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(5) * 0.25f; // ties, and 0, 0.5 and 1 exactly
                case 1 -> (float) (random.nextDouble() * 1.4 - 0.2); // some outside [0, 1]
                default -> random.nextFloat();
            };
        }
        int width = counter.targetWidth(COLS);
        float[] targets = new float[TARGETS_OFFSET + ROWS * width];
        for (int r = 0; r < ROWS; r++) {
            int row = TARGETS_OFFSET + r * width;
            if (counter.sparseTargets()) {
                targets[row] = random.nextInt(COLS);
            } else if (r % 2 == 0) {
                targets[row + random.nextInt(COLS)] = 1; // one-hot
            } else {
                for (int c = 0; c < COLS; c++) {
                    targets[row + c] = random.nextInt(3) == 0 ? 1 : 0; // multi-label
                }
            }
        }
        Twin yTwin = pair.twin(y);
        Twin targetsTwin = pair.twin(targets);
        long[][] counts = new long[2][];
        pair.onBoth((backend, side) -> {
            long[] into = new long[COUNTS_OFFSET + counter.counters() + 1];
            Arrays.fill(into, -7); // overwritten, not added to; the neighbours untouched
            backend.countMetric(counter, ROWS, COLS, side.apply(yTwin), Y_OFFSET, side.apply(targetsTwin), TARGETS_OFFSET,
                    into, COUNTS_OFFSET);
            counts[backend == fast ? 0 : 1] = into;
        });
        assertArrayEquals(counts[1], counts[0], counter + " on " + fast.name());
    }
}
