package dev.annonet.runtime.backend.cuda;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.runtime.backend.BatchLanding;
import dev.annonet.runtime.backend.Memory;

/**
 * A {@link BatchLanding} on a GPU: a batch is copied in on the copy stream, the compute stream waits
 * for that copy's event alone before it moves the batch where the step reads it, and the copy
 * stream waits for that move's event before it fills the same buffer again, two batches later.
 * So the copy of batch k + 1 runs while step k does, and nothing waits on the host.
 */
final class CudaBatchLanding implements BatchLanding {
    private static final int BUFFERS = 2;

    private final LandingStreams streams;
    private final int values;
    private final Memory memory;
    /** Per buffer: recorded on the copy stream when a batch is in it. */
    private final long[] filled = new long[BUFFERS];
    /** Per buffer: recorded on the compute stream when its batch has been moved out. */
    private final long[] taken = new long[BUFFERS];
    private int buffer;
    private boolean eventsDestroyed;

    CudaBatchLanding(LandingStreams streams, int values) {
        this.streams = streams;
        this.values = values;
        this.memory = streams.allocate(Math.multiplyExact(BUFFERS, values));
        for (int i = 0; i < BUFFERS; i++) {
            filled[i] = streams.createEvent();
            taken[i] = streams.createEvent();
        }
    }

    /** The buffer the next batch goes through: 0 or 1, in turn. */
    int buffer() {
        return buffer;
    }

    @Override
    public void fill(int offset, float[] source, int sourceOffset, int count) {
        checkInBuffer("fill", offset, count);
        streams.uploadOnCopyStream(source, sourceOffset, streams.address(memory, buffer * values + offset), count);
    }

    @Override
    public void landed() {
        streams.record(CudaLibrary.COPY_STREAM, filled[buffer]);
        streams.await(CudaLibrary.COMPUTE_STREAM, filled[buffer]);
    }

    @Override
    public void take(int offset, Memory target, int targetOffset, int count) {
        checkInBuffer("take", offset, count);
        streams.copyOnComputeStream(streams.address(memory, buffer * values + offset), target, targetOffset, count);
    }

    @Override
    public void taken() {
        streams.record(CudaLibrary.COMPUTE_STREAM, taken[buffer]);
        buffer = (buffer + 1) % BUFFERS;
        // An event never recorded is no wait: the first two batches go straight in.
        streams.await(CudaLibrary.COPY_STREAM, taken[buffer]);
    }

    private void checkInBuffer(String what, int offset, int count) {
        if (offset < 0 || count < 0 || (long) offset + count > values) {
            throw new IndexOutOfBoundsException(what + ": offset " + offset + " + count " + count
                    + " is outside a landing buffer of " + values + " values");
        }
    }

    @Override
    public void release() {
        streams.release(memory);
        destroyEvents();
    }

    /** Whether {@link #release} (or the backend's close) has ended this landing. */
    boolean released() {
        return eventsDestroyed;
    }

    /** Destroys the events, unless {@link #release} already has: the backend's close calls it for every landing. */
    void destroyEvents() {
        if (eventsDestroyed) {
            return;
        }
        eventsDestroyed = true;
        for (int i = 0; i < BUFFERS; i++) {
            streams.destroyEvent(filled[i]);
            streams.destroyEvent(taken[i]);
        }
    }
}
