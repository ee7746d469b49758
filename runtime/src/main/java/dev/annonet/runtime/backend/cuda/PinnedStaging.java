package dev.annonet.runtime.backend.cuda;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.nativelib.NativeBytes;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Page-locked host buffers of one fixed size that uploads and downloads pass through in pieces,
 * used in turn: while the device copies from one, the host fills the next. Each buffer's last copy
 * is marked by an event on the stream that copied it (compute or copy), awaited before the buffer
 * is written again. A transfer of any size takes
 * as many pieces as it needs, so what is pinned stays at {@code BUFFERS} buffers whatever the
 * largest transfer was, and a training step allocates nothing.
 */
final class PinnedStaging implements AutoCloseable {
    private static final int BUFFERS = 4;
    /** Values a buffer holds: 4 MiB of floats, past the size where a pinned copy reaches full speed. */
    static final int BUFFER_VALUES = 1 << 20;

    private final CudaBackend backend;
    private final int bufferValues;
    private final long[] addresses = new long[BUFFERS];
    private final long[] events = new long[BUFFERS];
    private final FloatBuffer[] floatViews = new FloatBuffer[BUFFERS];
    private final IntBuffer[] intViews = new IntBuffer[BUFFERS];
    private int next;

    PinnedStaging(CudaBackend backend) {
        this(backend, BUFFER_VALUES);
    }

    /** Buffers of {@code bufferValues} values each, allocated when first used. */
    PinnedStaging(CudaBackend backend, int bufferValues) {
        this.backend = backend;
        this.bufferValues = bufferValues;
        for (int i = 0; i < BUFFERS; i++) {
            events[i] = backend.checked(CudaLibrary.eventCreate(backend.context()), "creating an event");
        }
    }

    /** Copies {@code count} values from the host array to the device address, asynchronously, on the compute stream. */
    void upload(float[] source, int sourceOffset, long target, int count) {
        uploadValues(CudaLibrary.COMPUTE_STREAM, source, sourceOffset, target, count);
    }

    /** As {@link #upload}, on the copy stream: beside the compute stream's work, ordered against it by events. */
    void uploadOnCopyStream(float[] source, int sourceOffset, long target, int count) {
        uploadValues(CudaLibrary.COPY_STREAM, source, sourceOffset, target, count);
    }

    /** Copies {@code count} int32 values from the host array to the device address, asynchronously. */
    void uploadInts(int[] source, int sourceOffset, long target, int count) {
        uploadValues(CudaLibrary.COMPUTE_STREAM, source, sourceOffset, target, count);
    }

    /** {@code source} is a float[] or an int[]: four bytes a value either way. */
    private void uploadValues(int stream, Object source, int sourceOffset, long target, int count) {
        for (int done = 0; done < count; done += bufferValues) {
            int piece = Math.min(bufferValues, count - done);
            int buffer = take();
            if (source instanceof float[] floats) {
                floatViews[buffer].put(0, floats, sourceOffset + done, piece);
            } else {
                intViews[buffer].put(0, (int[]) source, sourceOffset + done, piece);
            }
            backend.check(CudaLibrary.copyAsyncOn(backend.context(), stream, target + (long) done * Float.BYTES,
                    addresses[buffer], (long) piece * Float.BYTES, CudaLibrary.HOST_TO_DEVICE), "upload");
            backend.check(CudaLibrary.eventRecordOn(backend.context(), stream, events[buffer]), "upload");
        }
    }

    /** Copies {@code count} values from the device address into the host array, waiting for them. */
    void download(long source, float[] target, int targetOffset, int count) {
        for (int done = 0; done < count; done += bufferValues) {
            int piece = Math.min(bufferValues, count - done);
            int buffer = take();
            backend.check(CudaLibrary.copyAsync(backend.context(), addresses[buffer], source + (long) done * Float.BYTES,
                    (long) piece * Float.BYTES, CudaLibrary.DEVICE_TO_HOST), "download");
            backend.check(CudaLibrary.synchronize(backend.context()), "download");
            floatViews[buffer].get(0, target, targetOffset + done, piece);
        }
    }

    /** The next buffer, once its previous copy is done. */
    private int take() {
        int buffer = next;
        next = (next + 1) % BUFFERS;
        backend.check(CudaLibrary.eventWait(backend.context(), events[buffer]), "waiting for a staging buffer");
        if (addresses[buffer] == 0) {
            long bytes = (long) bufferValues * Float.BYTES;
            addresses[buffer] = backend.checked(CudaLibrary.pinnedAllocate(backend.context(), bytes),
                    "allocating " + bufferValues + " pinned values");
            ByteBuffer view = bytes(addresses[buffer], bytes);
            floatViews[buffer] = view.asFloatBuffer();
            intViews[buffer] = view.asIntBuffer();
        }
        return buffer;
    }

    /** Bytes of pinned host memory held now. */
    long pinnedBytes() {
        long held = 0;
        for (long address : addresses) {
            held += address == 0 ? 0 : (long) bufferValues * Float.BYTES;
        }
        return held;
    }

    static ByteBuffer bytes(long nativeAddress, long byteCount) {
        return NativeBytes.at(nativeAddress, byteCount);
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
