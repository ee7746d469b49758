package dev.annonet.runtime.backend.cpu;

import dev.annonet.runtime.backend.Elements;
import dev.annonet.runtime.backend.Memory;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A CPU-backend memory: float32 values off the Java heap, allocated once. OpenBLAS reads and
 * writes them in place through pointers (no JNI array copies), as annonet's native kernels do;
 * the kernels shared with the reference backend (losses, metrics, zero padding) and the data
 * movement use a direct, native-order {@link FloatBuffer} view of the same bytes.
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
    /** Whether {@link #data} is this memory's to free, rather than borrowed from another backend's. */
    private final boolean owned;
    private boolean released;

    CpuMemory(CpuBackend owner, int size) {
        // At least one float: a zero-length native array need not have an address to view.
        this(owner, size, new FloatPointer(Math.max(size, 1)).zero(), true);
    }

    private CpuMemory(CpuBackend owner, int size, FloatPointer data, boolean owned) {
        this.owner = owner;
        this.size = size;
        this.data = data;
        this.owned = owned;
        this.buffer = data.asBuffer();
        this.indices = data.asByteBuffer().order(ByteOrder.nativeOrder()).asIntBuffer();
        this.aView = new FloatPointer(data);
        this.bView = new FloatPointer(data);
        this.cView = new FloatPointer(data);
    }

    /** {@code lent}'s values seen by {@code owner} through views of its own; freeing it leaves them to their owner. */
    static CpuMemory borrowing(CpuBackend owner, CpuMemory lent) {
        return new CpuMemory(owner, lent.size, lent.data, false);
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
        if (owned) {
        data.close();
    }
    }

    boolean released() {
        return released;
    }
}
