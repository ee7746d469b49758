package dev.annonet.runtime.backend.cuda;

import dev.annonet.cuda.CudaLibrary;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Page-locked host buffers that uploads and downloads pass through, used in turn: while the device
 * copies from one, the host fills the next (a batch's inputs, then its targets, then the next
 * batch's). Each buffer's last copy is marked by an event, awaited before the buffer is written
 * again. Buffers grow to the largest transfer seen, so a training step allocates nothing.
 */
final class PinnedStaging implements AutoCloseable {
    private static final int BUFFERS = 4;

    private final CudaBackend backend;
    private final long[] addresses = new long[BUFFERS];
    private final long[] events = new long[BUFFERS];
    private final int[] capacities = new int[BUFFERS];
    private final FloatBuffer[] views = new FloatBuffer[BUFFERS];
    private int next;

    PinnedStaging(CudaBackend backend) {
        this.backend = backend;
        for (int i = 0; i < BUFFERS; i++) {
            events[i] = backend.checked(CudaLibrary.eventCreate(backend.context()), "creating an event");
        }
    }

    /** Copies {@code count} values from the host array to the device address, asynchronously. */
    void upload(float[] source, int sourceOffset, long target, int count) {
        int buffer = take(count);
        views[buffer].put(0, source, sourceOffset, count);
        backend.check(CudaLibrary.copyAsync(backend.context(), target, addresses[buffer], (long) count * Float.BYTES,
                CudaLibrary.HOST_TO_DEVICE), "upload");
        backend.check(CudaLibrary.eventRecord(backend.context(), events[buffer]), "upload");
    }

    /** Copies {@code count} values from the device address into the host array, waiting for them. */
    void download(long source, float[] target, int targetOffset, int count) {
        int buffer = take(count);
        backend.check(CudaLibrary.copyAsync(backend.context(), addresses[buffer], source, (long) count * Float.BYTES,
                CudaLibrary.DEVICE_TO_HOST), "download");
        backend.check(CudaLibrary.synchronize(backend.context()), "download");
        views[buffer].get(0, target, targetOffset, count);
    }

    /** The next buffer, once its previous copy is done, with room for {@code count} values. */
    private int take(int count) {
        int buffer = next;
        next = (next + 1) % BUFFERS;
        backend.check(CudaLibrary.eventWait(backend.context(), events[buffer]), "waiting for a staging buffer");
        if (capacities[buffer] < count) {
            if (addresses[buffer] != 0) {
                CudaLibrary.pinnedFree(backend.context(), addresses[buffer]);
            }
            int capacity = Math.max(count, 1);
            addresses[buffer] = backend.checked(CudaLibrary.pinnedAllocate(backend.context(), (long) capacity * Float.BYTES),
                    "allocating " + capacity + " pinned values");
            capacities[buffer] = capacity;
            views[buffer] = floats(addresses[buffer], capacity);
        }
        return buffer;
    }

    /** A Java view of native floats at an address. */
    static FloatBuffer floats(long address, int count) {
        return bytes(address, (long) count * Float.BYTES).asFloatBuffer();
    }

    static ByteBuffer bytes(long nativeAddress, long byteCount) {
        // Inside the Pointer subclass a plain "address" would mean its own field, not this parameter.
        return new BytePointer(new Pointer() {
            {
                address = nativeAddress;
            }
        }).capacity(byteCount).limit(byteCount).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    @Override
    public void close() {
        for (int i = 0; i < BUFFERS; i++) {
            if (addresses[i] != 0) {
                CudaLibrary.pinnedFree(backend.context(), addresses[i]);
            }
            CudaLibrary.eventDestroy(backend.context(), events[i]);
        }
    }
}
