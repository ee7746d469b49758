package dev.annonet.runtime.backend;

/**
 * Sums over a data-parallel group's ranks of a backend's memory in place, on a communication stream
 * beside the backend's compute stream ({@link Backend#deviceReduction}): each sum waits for the
 * kernels enqueued before it, and {@link #join} makes the kernels enqueued after it wait for every
 * sum. Nothing waits on the host, so a recorded training step holds the sums too. Every rank makes
 * the same calls in the same order with the same sizes.
 */
public interface DeviceReduction extends AutoCloseable {

    /** Enqueues the sum over the ranks of {@code memory[offset .. offset + count)}, once what is enqueued so far has run. */
    void sum(Memory memory, int offset, int count);

    /**
     * While a step records ({@link StepReplay}): enqueues the sum over the ranks of the step's first
     * {@code count} results (its losses and metric counts), those the step has not computed (a rank
     * whose slice of the batch is empty) counted as 0.
     */
    void sumResults(int count);

    /** Makes the work enqueued from now on wait for every sum enqueued so far. */
    void join();

    /** Waits for the sums enqueued and frees the stream and events. */
    @Override
    void close();
}
