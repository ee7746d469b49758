package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.annonet.runtime.backend.Memory;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** predict and evaluate take any number of samples and run through them a batch at a time in the same memory. */
class PredictInBatchesTest {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int SAMPLES = 20_000;
    private static final int IN = 8;
    private static final int CLASSES = 3;

    @Test
    void manyMoreSamplesThanOneBatchEachAsItsOwnPrediction() {
        Tensor x = inputs();
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 3, IN, 16, CLASSES, 0)) {
            Tensor outputs = model.predict(x, 32);
            assertArrayEquals(new int[] {SAMPLES, CLASSES}, outputs.shape());
            for (int sample : new int[] {0, 31, 32, 9_999, SAMPLES - 1}) {
                float[] alone = model.predictSample(x.row(sample));
                assertArrayEquals(alone, outputs.row(sample), 1e-6f, "sample " + sample);
            }
            // A batch size past the sample count runs them all at once, with the same outputs.
            assertArrayEquals(outputs.values(), model.predict(x, 1_000_000).values(), 1e-6f);
        }
    }

    /**
     * A second predict of the same size reuses the batch memory and allocates on the heap no more
     * than its result (and a few small objects): nothing per batch, nothing per sample.
     */
    @Test
    void aRepeatedPredictAllocatesItsResultAlone() {
        Tensor x = inputs();
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 3, IN, 16, CLASSES, 0)) {
            model.predict(x, 32);
            Memory activations = model.activations();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            model.predict(x, 32);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            long result = (long) SAMPLES * CLASSES * Float.BYTES;
            assertSame(activations, model.activations(), "the same batch memory");
            assertTrue(allocated < result + 64 * 1024, allocated + " bytes allocated for a result of " + result);
        }
    }

    @Test
    void evaluateTakesAnyNumberOfSamplesToo() {
        Tensor x = inputs();
        float[] labels = new float[SAMPLES * CLASSES];
        for (int i = 0; i < SAMPLES; i++) {
            labels[i * CLASSES + i % CLASSES] = 1;
        }
        Tensor y = Tensor.of(labels, SAMPLES, CLASSES);
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 3, IN, 16, CLASSES, 0)) {
            model.compile(Optimizers.sgd(), Losses.categoricalCrossentropy());
            double small = model.evaluate(x, y, 32).loss();
            double whole = model.evaluate(x, y, SAMPLES).loss();
            assertEquals(small, whole, 1e-5 * Math.abs(small));
        }
    }

    private static Tensor inputs() {
        SplittableRandom random = new SplittableRandom(5);
        float[] values = new float[SAMPLES * IN];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return Tensor.of(values, SAMPLES, IN);
    }
}
