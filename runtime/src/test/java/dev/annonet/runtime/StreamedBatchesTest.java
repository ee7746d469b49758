package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.management.ThreadMXBean;
import dev.annonet.runtime.data.Dataset;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The reader's ring of buffers: batches in the pass's order, and a training thread that allocates nothing. */
class StreamedBatchesTest {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int SAMPLES = 20;
    private static final int BATCH = 8;

    /** The oracle, and the CUDA backend's landing area on the host executor. */
    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cudaHostExecutor());
    }

    /** The backends whose loads can allocate nothing: the CPU backend's uploads, and the landing area's. */
    static Stream<Device> fastDevices() {
        return Stream.of(Device.cpu(), Device.cudaHostExecutor());
    }

    /** Sample i's two inputs are (i, -i) and its class is i % 3; sample {@code poisoned}'s first input is NaN. */
    private static final class Counting implements Dataset {
        private final long poisoned;

        Counting(long poisoned) {
            this.poisoned = poisoned;
        }

        @Override
        public long size() {
            return SAMPLES;
        }

        @Override
        public int inputWidth() {
            return 2;
        }

        @Override
        public int targetWidth() {
            return 1;
        }

        @Override
        public int classes() {
            return 3;
        }

        @Override
        public String source() {
            return "counting";
        }

        @Override
        public void read(long[] samples, int count, float[] inputs, float[] targets) {
            for (int i = 0; i < count; i++) {
                inputs[2 * i] = samples[i] == poisoned ? Float.NaN : samples[i];
                inputs[2 * i + 1] = -samples[i];
                targets[i] = samples[i] % 3;
            }
        }
    }

    /** The CUDA host executor takes each batch through its landing area (see Arena.loadStreamed). */
    @ParameterizedTest
    @MethodSource("devices")
    void batchesFollowThePassOrderWithClassesAsOneHotRowsAndClassWeights(Device device) {
        int[] order = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            order[i] = (i * 7) % SAMPLES;
        }
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 1, 2, 4, 3, 0);
             StreamedBatches source = new StreamedBatches(new Counting(-1), 0, SAMPLES, BATCH,
                     new StreamedBatches.Format(2, 0, 3, false, 3), new double[] {0.5, 2})) {
            Arena arena = new Arena(model.backend, model.layout());
            arena.reserve(BATCH, Arena.Use.TRAIN);
            for (int epoch = 0; epoch < 2; epoch++) {
                source.startEpoch(epoch == 0 ? order : null);
                for (int from = 0; from < SAMPLES; from += BATCH) {
                    int batch = Math.min(BATCH, SAMPLES - from);
                    source.load(arena, from, batch);
                    float[] inputs = new float[batch * 2];
                    float[] targets = new float[batch * 3];
                    float[] weights = new float[batch];
                    model.backend.download(arena.activations(), 0, inputs, 0, inputs.length); // the input's offset is 0
                    model.backend.download(arena.targets(), 0, targets, 0, targets.length);
                    model.backend.download(arena.weights(), 0, weights, 0, weights.length);
                    for (int i = 0; i < batch; i++) {
                        int sample = epoch == 0 ? order[from + i] : from + i;
                        assertArrayEquals(new float[] {sample, -sample}, Arrays.copyOfRange(inputs, 2 * i, 2 * i + 2));
                        float[] oneHot = new float[3];
                        oneHot[sample % 3] = 1;
                        assertArrayEquals(oneHot, Arrays.copyOfRange(targets, 3 * i, 3 * i + 3));
                        assertEquals(sample % 3 == 0 ? 0.5f : sample % 3 == 1 ? 2f : 1f, weights[i]);
                    }
                }
            }
        }
    }

    /** Each batch is checked as fit checks tensors: the failure names the dataset and the sample. */
    @Test
    void aValueTheModelCannotTakeFailsTheLoadThatTakesItsBatch() {
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.reference(), 1, 2, 4, 3, 0);
             StreamedBatches poisoned = new StreamedBatches(new Counting(11), 0, SAMPLES, BATCH,
                     new StreamedBatches.Format(2, 0, 1, true, 3), null);
             StreamedBatches indices = new StreamedBatches(new Counting(-1), 0, SAMPLES, BATCH,
                     new StreamedBatches.Format(2, 50, 1, true, 3), null)) {
            Arena arena = new Arena(model.backend, model.layout());
            arena.reserve(BATCH, Arena.Use.TRAIN);
            poisoned.startEpoch(null);
            poisoned.load(arena, 0, BATCH);
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> poisoned.load(arena, BATCH, BATCH));
            assertEquals("counting: sample 11 holds NaN at value 0; a network takes only finite numbers", e.getMessage());
            assertThrows(UncheckedIOException.class, () -> poisoned.load(arena, 2 * BATCH, SAMPLES - 2 * BATCH));
            indices.startEpoch(null);
            e = assertThrows(UncheckedIOException.class, () -> indices.load(arena, 0, BATCH));
            assertEquals("counting: sample 1 holds -1.0 at value 1, but the input feeds an Embedding and takes whole numbers"
                    + " in [0, 50)", e.getMessage());
        }
    }

    /**
     * Once the reader is ahead, taking a batch allocates nothing on the training thread. The reader
     * is given a moment before each batch; a round in which it fell behind (the thread then waits,
     * and a wait allocates) is retried, at most five times: a load that truly allocates never
     * reaches zero.
     */
    @ParameterizedTest
    @MethodSource("fastDevices")
    void takingABatchTheReaderHasReadAllocatesNothing(Device device) throws InterruptedException {
        try (HandScheduledMlp model = HandScheduledMlp.create(device, 1, 2, 4, 3, 0);
             StreamedBatches source = new StreamedBatches(new Counting(-1), 0, SAMPLES, BATCH,
                     new StreamedBatches.Format(2, 0, 1, true, 3), null)) {
            Arena arena = new Arena(model.backend, model.layout());
            arena.reserve(BATCH, Arena.Use.TRAIN);
            long allocated = -1;
            for (int round = 0; round < 5 && allocated != 0; round++) {
                allocated = 0;
                for (int epoch = 0; epoch < 50; epoch++) {
                    source.startEpoch(null);
                    for (int from = 0; from < SAMPLES; from += BATCH) {
                        Thread.sleep(1);
                        long before = THREADS.getCurrentThreadAllocatedBytes();
                        source.load(arena, from, Math.min(BATCH, SAMPLES - from));
                        allocated += THREADS.getCurrentThreadAllocatedBytes() - before;
                    }
                }
            }
            assertEquals(0, allocated, "heap bytes allocated by the training thread taking 150 batches");
        }
    }
}
