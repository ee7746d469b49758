package dev.annonet.runtime.distributed;

/**
 * One rank of a group of processes (or threads) that sum buffers together: what data-parallel
 * training needs from a transport. Every rank calls the same operations in the same order with
 * buffers of the same length; each call returns once this rank holds the sum of all ranks'
 * buffers, the same values on every rank.
 *
 * <p>A failed call (a peer that died, closed, sent something else, or said nothing within the
 * communicator's timeout) throws {@link CommunicatorException} and leaves the communicator broken:
 * every later call throws at once. A group is not repaired; a new one is made.
 */
public interface Communicator extends AutoCloseable {

    /** This rank's number, 0 to {@code worldSize() - 1}. */
    int rank();

    /** How many ranks the group has. */
    int worldSize();

    /** Replaces {@code values[offset .. offset + length)} with their sum over the ranks. */
    void allReduceSum(float[] values, int offset, int length);

    /** As {@link #allReduceSum(float[], int, int)}, in double precision (counts and sums of losses). */
    void allReduceSum(double[] values, int offset, int length);

    /** Leaves the group: peers still waiting on this rank fail rather than wait for their timeout. */
    @Override
    void close();
}
