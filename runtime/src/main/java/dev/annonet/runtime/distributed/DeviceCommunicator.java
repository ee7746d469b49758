package dev.annonet.runtime.distributed;

/**
 * A communicator that also sums a CUDA backend's memory in place, enqueued on one of that backend's
 * streams: what lets a data-parallel step keep its gradients on the device and its all-reduces
 * inside the step's CUDA graph. {@link NcclCommunicator} sums a GPU's memory; {@link InProcessGroup}
 * sums host memory, the memory of the CUDA backend's host executor, so that tests run the same
 * path on machines without a GPU.
 */
public interface DeviceCommunicator extends Communicator {
    /** The memory this communicator sums: {@link #HOST_MEMORY}, or the ordinal of the GPU whose memory it is. */
    int device();

    /** {@link #device()} of a communicator that sums host memory (the CUDA host executor's). */
    int HOST_MEMORY = -1;

    /**
     * Enqueues the in-place sum over the ranks of {@code count} values (doubles, or floats) at
     * {@code address} of {@link #device()}'s memory on CUDA stream {@code stream} and returns;
     * while the stream is captured, the call is recorded into the graph and runs at each replay.
     * A communicator of host memory sums at once and ignores the stream.
     */
    void allReduceSumOnStream(long address, long count, boolean doubles, long stream);
}
