package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.DeviceReduction;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.distributed.Communicator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One rank's part of a data-parallel {@code fit} ({@link Fit#dataParallel}): which samples of each
 * global batch it trains on, and the sum of the ranks' gradients before each update.
 *
 * <p>The rule that makes N ranks train exactly as one process at the global batch size: every rank
 * holds the same data and model seed, so every rank draws the same order of samples each epoch;
 * global batch k is split into consecutive slices, rank r taking the r-th ({@link #slice}); the
 * loss's gradient is scaled by 1 / (the global batch's rows), so the sum of the ranks' gradients
 * is the global batch's; and dropout draws, on each rank, that slice of the global batch's mask
 * ({@link Backend#dropoutSlice}), so with the same model seed a rank drops exactly what the one
 * process drops for those samples. Slices start on a multiple of 8 samples, where a mask's
 * groups of 8 values start for any layer width.
 *
 * <p>The gradients are summed in buckets of whole parameters from the last layer back (the order
 * backward finishes them), each bucket copied to the host, all-reduced and copied back. The step's
 * loss and metric counts travel with the first bucket, so every rank logs the global batch's
 * loss and metrics, and callbacks (early stopping, a non-finite loss) decide alike on all ranks.
 *
 * <p>Where the backend can sum its memory in place with the communicator ({@link Backend#deviceReduction}:
 * a GPU with NCCL, or the CUDA host executor with an {@link dev.annonet.runtime.distributed.InProcessGroup}),
 * the buckets are summed there instead, on the backend's communication stream, and so are a
 * recorded step's results: nothing goes through the host, and a recorded step holds its
 * all-reduces. In a recorded step each bucket's sum starts as soon as backward has finished its
 * gradients ({@link #gradientsFinal}, which the generated backward calls after each layer), so
 * the sums overlap the rest of backward; the update waits for them all. Such a group of one rank
 * still runs its all-reduces, which is how their cost on a GPU is measured.
 */
final class DataParallel implements AutoCloseable {
    /** Parameters go into a bucket until it holds at least this many values (1 MiB of floats). */
    private static final int BUCKET_VALUES = 256 * 1024;
    /** Slices of a global batch start on multiples of this many samples (a dropout mask's group). */
    static final int SLICE_ALIGNMENT = 8;
    /** What {@link #start} compares across ranks, in the order the trainer passes them. */
    static final String[] FACTS = {"model seed (low 32 bits)", "model seed (high 32 bits)", "training step",
            "optimizer updates", "epochs shuffled", "learning rate", "training samples", "batch size", "trainable weights"};

    private final Communicator communicator;
    private final int rank;
    private final int worldSize;
    private final int trainableSize;
    /** The gradients, then the step's loss sum, then its metric counts: what one step all-reduces. */
    private final float[] staging;
    /** Bucket b covers {@code staging[bucketStarts[b] .. bucketEnds[b])}; bucket 0 ends with the step's results. */
    private final int[] bucketStarts;
    private final int[] bucketEnds;
    /** The backend's in-place sums, or null when the gradients go through the host. */
    private final DeviceReduction onDevice;
    /** An eager step's loss sum and metric counts, summed on the host beside the device's gradients. */
    private final double[] stepResults;
    /** The first bucket the step being recorded has not yet started to sum. */
    private int nextBucket;

    DataParallel(Communicator communicator, NetworkLayout layout, int countSlots, DeviceReduction onDevice) {
        this.communicator = communicator;
        this.onDevice = onDevice;
        this.stepResults = new double[1 + countSlots];
        this.rank = communicator.rank();
        this.worldSize = communicator.worldSize();
        this.trainableSize = layout.trainableSize();
        this.staging = new float[trainableSize + 1 + countSlots];
        List<int[]> buckets = new ArrayList<>();
        int end = staging.length;
        int start = end;
        List<NetworkLayout.Parameter> parameters = layout.parameters();
        for (int p = parameters.size() - 1; p >= 0; p--) {
            NetworkLayout.Parameter parameter = parameters.get(p);
            if (!parameter.trainable()) {
                continue;
            }
            start = Math.min(start, parameter.offset());
            if (end - start >= BUCKET_VALUES) {
                buckets.add(new int[] {start, end});
                end = start;
            }
        }
        if (end > 0) {
            buckets.add(new int[] {0, end});
        }
        this.bucketStarts = buckets.stream().mapToInt(b -> b[0]).toArray();
        this.bucketEnds = buckets.stream().mapToInt(b -> b[1]).toArray();
    }

    /**
     * Refuses what would make the ranks train apart: layers that keep statistics of each batch
     * (BatchNormalization's moving mean and variance would differ per rank and its normalization
     * would use each slice's statistics), and ranks that differ in seed, counters, rate or data.
     */
    static void requireSupported(NetworkLayout layout) {
        for (NetworkLayout.Parameter parameter : layout.parameters()) {
            if (parameter.state()) {
                throw new IllegalArgumentException("data-parallel fit cannot train " + layout.name() + ": '"
                        + parameter.name() + "' keeps statistics of each batch (BatchNormalization), which each rank"
                        + " would compute on its own slice; synchronized batch statistics are not supported");
            }
        }
    }

    int rank() {
        return rank;
    }

    /** The first sample of this rank's slice of a global batch of {@code batch} samples. */
    int sliceStart(int batch) {
        return sliceStart(batch, rank);
    }

    private int sliceStart(int batch, int ofRank) {
        return Math.min(batch, ofRank * sliceLength(batch));
    }

    /** How many samples of a global batch of {@code batch} rank {@code ofRank} trains on (0 for a small last batch). */
    int sliceSize(int batch, int ofRank) {
        int start = sliceStart(batch, ofRank);
        return Math.min(batch, start + sliceLength(batch)) - start;
    }

    private int sliceLength(int batch) {
        int perRank = (batch + worldSize - 1) / worldSize;
        return (perRank + SLICE_ALIGNMENT - 1) / SLICE_ALIGNMENT * SLICE_ALIGNMENT;
    }

    /**
     * Checks that every rank is about to run the same training (each rank's facts are gathered
     * through one all-reduce: rank r writes its row, the others zeros), then starts every rank from
     * rank 0's trainable weights, as PyTorch's DDP broadcasts them.
     */
    void start(Backend backend, Memory parameters, double[] facts) {
        if (worldSize == 1 && onDevice == null) {
            return;
        }
        double[] rows = new double[worldSize * facts.length];
        System.arraycopy(facts, 0, rows, rank * facts.length, facts.length);
        communicator.allReduceSum(rows, 0, rows.length);
        for (int other = 0; other < worldSize; other++) {
            for (int f = 0; f < facts.length; f++) {
                double theirs = rows[other * facts.length + f];
                if (theirs != rows[f]) {
                    throw new IllegalStateException("data-parallel fit: rank " + other + " has " + FACTS[f] + " "
                            + format(theirs) + " but rank 0 has " + format(rows[f]) + "; every rank must create its"
                            + " model with the same seed and call fit with the same data and options");
                }
            }
        }
        if (onDevice != null) { // also the device communicator's first all-reduce, made before any step records
            if (rank != 0) {
                backend.fill(parameters, 0, trainableSize, 0f);
            }
            onDevice.sum(parameters, 0, trainableSize);
            onDevice.join();
            return;
        }
        if (rank == 0) {
            backend.download(parameters, 0, staging, 0, trainableSize);
        } else {
            Arrays.fill(staging, 0, trainableSize, 0f);
        }
        communicator.allReduceSum(staging, 0, trainableSize);
        backend.upload(staging, 0, parameters, 0, trainableSize);
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
    }

    /**
     * Replaces this rank's gradients with the sum over the ranks, bucket by bucket from the last
     * layer back, and returns the global batch's loss sum; {@code counts} becomes the global
     * batch's metric counts. A rank whose slice is empty passes zero gradients. While a step
     * records, {@code recordedResults} is the number of results it computes (which the device then
     * sums); -1 for a step run eagerly, whose loss and counts are on the host.
     */
    double sumGradients(Backend backend, Memory gradients, double lossSum, long[] counts, int recordedResults) {
        if (onDevice != null) {
            return sumOnDevice(gradients, lossSum, counts, recordedResults);
        }
        if (worldSize == 1) { // a group of one: the sums are this rank's own; nothing to copy
            return lossSum;
        }
        int results = trainableSize;
        staging[results] = (float) lossSum;
        for (int i = 0; i < counts.length; i++) {
            staging[results + 1 + i] = counts[i]; // exact: a step counts fewer than 2^24 of anything
        }
        for (int b = 0; b < bucketStarts.length; b++) {
            int start = bucketStarts[b];
            int gradientEnd = Math.min(bucketEnds[b], trainableSize);
            backend.download(gradients, start, staging, start, gradientEnd - start);
            communicator.allReduceSum(staging, start, bucketEnds[b] - start);
            backend.upload(staging, start, gradients, start, gradientEnd - start);
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (long) staging[results + 1 + i];
        }
        return staging[results];
    }

    /**
     * The buckets summed in place on the backend's communication stream, then a recorded step's
     * results there too (an eager step's on the host, first, so every rank's collective calls come
     * in the same order); the update, enqueued next, waits for them all.
     */
    private double sumOnDevice(Memory gradients, double lossSum, long[] counts, int recordedResults) {
        boolean eager = recordedResults < 0;
        if (eager) {
            stepResults[0] = lossSum;
            for (int i = 0; i < counts.length; i++) {
                stepResults[1 + i] = counts[i];
            }
            communicator.allReduceSum(stepResults, 0, 1 + counts.length);
            for (int i = 0; i < counts.length; i++) {
                counts[i] = (long) stepResults[1 + i];
            }
        }
        while (nextBucket < bucketStarts.length) { // those backward did not start: all of an eager step's
            sumBucket(gradients, nextBucket++);
        }
        nextBucket = 0;
        if (!eager) {
            onDevice.sumResults(recordedResults);
        }
        onDevice.join();
        return eager ? stepResults[0] : lossSum;
    }

    /** Whether a recorded step's backward may start the buckets' sums ({@link #gradientsFinal}). */
    boolean sumsDuringBackward() {
        return onDevice != null;
    }

    /**
     * While a step records, backward has finished the gradients from {@code offset} to the end:
     * the buckets that lie there start their sums on the communication stream now, in the same
     * order on every rank (a rank with an empty slice, which runs no backward, starts them all
     * after it).
     */
    void gradientsFinal(Memory gradients, int offset) {
        while (nextBucket < bucketStarts.length && bucketStarts[nextBucket] >= offset) {
            sumBucket(gradients, nextBucket++);
        }
    }

    private void sumBucket(Memory gradients, int bucket) {
        int start = bucketStarts[bucket];
        onDevice.sum(gradients, start, Math.min(bucketEnds[bucket], trainableSize) - start);
    }

    /** Frees the backend's communication stream, if there is one. */
    @Override
    public void close() {
        if (onDevice != null) {
            onDevice.close();
        }
    }
}
