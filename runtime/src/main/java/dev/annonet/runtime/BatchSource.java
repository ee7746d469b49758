package dev.annonet.runtime;

/**
 * Where fit and evaluate take their batches from: tensors on the host, a training set kept in the
 * backend's memory, or a {@link dev.annonet.runtime.data.Dataset} read on a background thread.
 * Each pass over the samples starts with {@link #startEpoch} and loads its batches in order.
 */
interface BatchSource extends AutoCloseable {
    /** The number of samples a pass visits. */
    int samples();

    /** Whether {@link #load} also puts each output row's loss weight in the arena. */
    boolean weighted();

    /**
     * Starts a pass that visits sample {@code order[i]} i-th ({@code i} itself when {@code order}
     * is null). The order is not changed until the pass has loaded its last batch or stopped.
     */
    void startEpoch(int[] order);

    /** Puts the pass's samples {@code from .. from + batch} (inputs, targets, weights) in the arena. */
    void load(Arena arena, int from, int batch);

    /** Releases what the source holds (device memory, a reader thread): by default nothing. */
    @Override
    default void close() {
    }
}
