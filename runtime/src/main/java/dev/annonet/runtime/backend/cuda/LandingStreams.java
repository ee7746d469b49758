package dev.annonet.runtime.backend.cuda;

import dev.annonet.runtime.backend.Memory;

/**
 * What a {@link CudaBatchLanding} asks of its backend: memory, events, and copies on the compute or
 * the copy stream ({@link dev.annonet.cuda.CudaLibrary#COMPUTE_STREAM}, {@code COPY_STREAM}). An
 * interface so that the order of its calls can be tested without a GPU.
 */
interface LandingStreams {
    Memory allocate(int size);

    /** The device address of value {@code offset} of a memory from {@link #allocate}. */
    long address(Memory memory, int offset);

    /** Frees a memory from {@link #allocate} once neither stream can still use it. */
    void release(Memory memory);

    long createEvent();

    void destroyEvent(long event);

    /** Host values to the device address, on the copy stream, through pinned staging. */
    void uploadOnCopyStream(float[] source, int sourceOffset, long target, int count);

    /** Device values from the address to the memory, on the compute stream. */
    void copyOnComputeStream(long source, Memory target, int targetOffset, int count);

    /** Marks where {@code stream} is now. */
    void record(int stream, long event);

    /** Makes {@code stream}'s later work wait for the event's mark. */
    void await(int stream, long event);
}
