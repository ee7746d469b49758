package dev.annonet.runtime.distributed;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * The slice of a caller's array that one all-reduce sums, moved through byte buffers (a socket's
 * staging, another thread's deposit) as little-endian values. Indices are relative to the slice.
 */
abstract sealed class ReducedValues {
    final int length;

    private ReducedValues(int arrayLength, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, arrayLength);
        this.length = length;
    }

    static ReducedValues of(float[] values, int offset, int length) {
        return new Floats(Objects.requireNonNull(values, "values"), offset, length);
    }

    static ReducedValues of(double[] values, int offset, int length) {
        return new Doubles(Objects.requireNonNull(values, "values"), offset, length);
    }

    /** 4 for floats, 8 for doubles: also the code a peer checks that it sums the same type. */
    abstract int valueBytes();

    /** Values {@code from .. from + count} into {@code target} from its index 0 (a view made by {@link #view}). */
    abstract void write(int from, int count, Buffer target);

    /** Adds {@code count} values of {@code source} (from its index 0) to values {@code from ..}. */
    abstract void add(int from, int count, Buffer source);

    /** Replaces values {@code from ..} with {@code count} values of {@code source}. */
    abstract void set(int from, int count, Buffer source);

    /** {@code bytes} seen as values of this type (little-endian), for the methods above. */
    abstract Buffer view(ByteBuffer bytes);

    private static final class Floats extends ReducedValues {
        private final float[] values;
        private final int offset;

        Floats(float[] values, int offset, int length) {
            super(values.length, offset, length);
            this.values = values;
            this.offset = offset;
        }

        @Override
        int valueBytes() {
            return Float.BYTES;
        }

        @Override
        void write(int from, int count, Buffer target) {
            ((FloatBuffer) target).put(0, values, offset + from, count);
        }

        @Override
        void add(int from, int count, Buffer source) {
            FloatBuffer floats = (FloatBuffer) source;
            int base = offset + from;
            for (int i = 0; i < count; i++) {
                values[base + i] += floats.get(i);
            }
        }

        @Override
        void set(int from, int count, Buffer source) {
            ((FloatBuffer) source).get(0, values, offset + from, count);
        }

        @Override
        Buffer view(ByteBuffer bytes) {
            return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        }
    }

    private static final class Doubles extends ReducedValues {
        private final double[] values;
        private final int offset;

        Doubles(double[] values, int offset, int length) {
            super(values.length, offset, length);
            this.values = values;
            this.offset = offset;
        }

        @Override
        int valueBytes() {
            return Double.BYTES;
        }

        @Override
        void write(int from, int count, Buffer target) {
            ((DoubleBuffer) target).put(0, values, offset + from, count);
        }

        @Override
        void add(int from, int count, Buffer source) {
            DoubleBuffer doubles = (DoubleBuffer) source;
            int base = offset + from;
            for (int i = 0; i < count; i++) {
                values[base + i] += doubles.get(i);
            }
        }

        @Override
        void set(int from, int count, Buffer source) {
            ((DoubleBuffer) source).get(0, values, offset + from, count);
        }

        @Override
        Buffer view(ByteBuffer bytes) {
            return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        }
    }
}
