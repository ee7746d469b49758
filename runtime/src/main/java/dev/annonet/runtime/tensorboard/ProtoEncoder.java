package dev.annonet.runtime.tensorboard;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one protocol buffer message, field by field, in the wire format: the few field kinds the
 * event files use (double, float, int64, string and nested messages, packed repeated doubles).
 * Every field given is written, zeros included: a {@code oneof} member such as
 * {@code simple_value = 0} is only set when it is on the wire.
 */
final class ProtoEncoder {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ProtoEncoder doubleField(int number, double value) {
        tag(number, FIXED64);
        littleEndian(Double.doubleToRawLongBits(value), 8);
        return this;
    }

    ProtoEncoder floatField(int number, float value) {
        tag(number, FIXED32);
        littleEndian(Float.floatToRawIntBits(value), 4);
        return this;
    }

    ProtoEncoder int64Field(int number, long value) {
        tag(number, VARINT);
        varint(value);
        return this;
    }

    ProtoEncoder stringField(int number, String value) {
        return bytesField(number, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoEncoder messageField(int number, ProtoEncoder message) {
        return bytesField(number, message.toByteArray());
    }

    ProtoEncoder packedDoublesField(int number, double[] values) {
        tag(number, LENGTH_DELIMITED);
        varint(8L * values.length);
        for (double value : values) {
            littleEndian(Double.doubleToRawLongBits(value), 8);
        }
        return this;
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }

    private ProtoEncoder bytesField(int number, byte[] value) {
        tag(number, LENGTH_DELIMITED);
        varint(value.length);
        bytes.writeBytes(value);
        return this;
    }

    private void tag(int number, int wireType) {
        varint(((long) number << 3) | wireType);
    }

    /** Seven bits a byte, low first; a negative int64 takes ten bytes, as protobuf writes it. */
    private void varint(long value) {
        while ((value & ~0x7FL) != 0) {
            bytes.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        bytes.write((int) value);
    }

    private void littleEndian(long bits, int byteCount) {
        for (int i = 0; i < byteCount; i++) {
            bytes.write((int) (bits >>> (8 * i)));
        }
    }
}
