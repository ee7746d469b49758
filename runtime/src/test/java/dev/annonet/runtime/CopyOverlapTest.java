package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A dataset streamed through the CUDA backend's landing area, its batches copied in on the copy
 * stream while the step before runs, trains exactly as one whose batches are uploaded between
 * steps, and as the tensors it holds: the same losses, outputs and weights, bit for bit.
 */
class CopyOverlapTest {
    /** The device under test, with the copy overlap on. */
    protected Device device() {
        return Device.cudaHostExecutor();
    }

    @Test
    void theOverlappedStreamedFitEqualsTheSynchronousOneBitForBit() {
        int samples = 100;
        int[] labels = TestData.labels(samples, 5, 4);
        Tensor x = TestData.uniform(samples, 20, 3);
        // Batches of 16 leave a partial last one: two batch sizes go through the landing area.
        Fit options = Fit.options().batchSize(16).epochs(3).verbose(0).classWeight(Map.of(2, 3.0));
        try (HandScheduledMlp overlapped = model(device());
             HandScheduledMlp synchronous = model(device().withoutCopyOverlap());
             HandScheduledMlp inMemory = model(device())) {
            History expected = synchronous.fit(new ArrayDataset(x, labels, 5, -1), options);
            assertEquals(expected.history(), overlapped.fit(new ArrayDataset(x, labels, 5, -1), options).history());
            assertEquals(expected.history(), inMemory.fit(x, Labels.oneHot(labels, 5), options).history());
            for (HandScheduledMlp other : new HandScheduledMlp[] {overlapped, inMemory}) {
                assertArrayEquals(synchronous.hidden().weight("kernel").toArray(), other.hidden().weight("kernel").toArray());
                assertArrayEquals(synchronous.output().weight("bias").toArray(), other.output().weight("bias").toArray());
                assertArrayEquals(synchronous.predict(x).toArray(), other.predict(x).toArray());
            }
        }
    }

    private static HandScheduledMlp model(Device device) {
        HandScheduledMlp model = HandScheduledMlp.create(device, 7, 20, 32, 5, 0.3);
        model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy(), Metrics.accuracy());
        return model;
    }
}
