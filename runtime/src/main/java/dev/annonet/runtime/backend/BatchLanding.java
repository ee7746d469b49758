package dev.annonet.runtime.backend;

/**
 * Device memory that a streamed batch is copied into from the host off the compute path, while the
 * step before it runs, and then moved where the step reads it ({@link Backend#batchLanding}). It
 * has two buffers, used in turn, so a batch's copy never waits for the move of the one before.
 * Each batch takes the four calls in this order: {@link #fill} (any number), {@link #landed},
 * {@link #take} (any number), {@link #taken}.
 */
public interface BatchLanding {
    /** Starts copying {@code count} host values into the batch's buffer at {@code offset}; the host goes on. */
    void fill(int offset, float[] source, int sourceOffset, int count);

    /** The batch's values are all filled in: what the compute path runs from now on waits for them. */
    void landed();

    /** Copies {@code count} values of the batch's buffer, from {@code offset}, to {@code target}, on the compute path. */
    void take(int offset, Memory target, int targetOffset, int count);

    /** The batch has been taken: its buffer may be filled again once the compute path has passed this point. */
    void taken();

    /** Frees the buffers, after the copies under way have ended. */
    void release();
}
