package dev.annonet.runtime.backend.cpu;

import dev.annonet.runtime.backend.Elements;
import dev.annonet.runtime.backend.Memory;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A CPU-backend memory: float32 values off the Java heap, allocated once. OpenBLAS reads and
 * writes them in place through pointers (no JNI array copies); the Java loops use a direct,
 * native-order {@link FloatBuffer} view of the same bytes.
 */
final class CpuMemory implements Memory, Elements {
    final CpuBackend owner;
    final FloatBuffer buffer;
    /** The same bytes as int32 row numbers ({@link #setIndex}). */
    private final IntBuffer indices;
    /**
     * Operand views for sgemm, one per operand slot (A, B, C), positioned at each call's offset:
     * positioning allocates nothing, and a, b and c may be this same memory at different offsets.
     */
    final FloatPointer aView;
    final FloatPointer bView;
    final FloatPointer cView;
    private final int size;
    private final FloatPointer data;
    private boolean released;

    CpuMemory(CpuBackend owner, int size) {
        this.owner = owner;
        this.size = size;
        // At least one float: a zero-length native array need not have an address to view.
        this.data = new FloatPointer(Math.max(size, 1)).zero();
        this.buffer = data.asBuffer();
        this.indices = data.asByteBuffer().order(ByteOrder.nativeOrder()).asIntBuffer();
        this.aView = new FloatPointer(data);
        this.bView = new FloatPointer(data);
        this.cView = new FloatPointer(data);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public double get(int index) {
        return buffer.get(index);
    }

    @Override
    public void set(int index, double value) {
        buffer.put(index, (float) value);
    }

    /** Row numbers are kept as int32 in the value's four bytes, exact beyond a float's 2^24. */
    @Override
    public int getIndex(int index) {
        return indices.get(index);
    }

    @Override
    public void setIndex(int index, int value) {
        indices.put(index, value);
    }

    /** The native address of the value at {@code offset}, for annonet's own CPU kernels. */
    long address(int offset) {
        return data.address() + (long) offset * Float.BYTES;
    }

    /** Frees the native values; the views then dangle, so the owner refuses this memory from now on. */
    void free() {
        released = true;
        data.close();
    }

    boolean released() {
        return released;
    }
}
