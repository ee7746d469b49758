package dev.annonet.runtime.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The wire formats byte by byte, against values worked out by hand. */
class TfRecordsTest {
    @Test
    void masksTheCrc32cCheckValue() {
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        // CRC32C("123456789") = 0xE3069283 (the standard check value); rotated right by 15 bits:
        // 0x1283 << 17 | 0xE3069283 >>> 15 = 0x25060000 | 0x1C60D = 0x2507C60D; + 0xA282EAD8 = 0xC78AB0E5.
        assertEquals(0xC78AB0E5, TfRecords.mask(0xE3069283));
        assertEquals(0xC78AB0E5, TfRecords.maskedCrc32c(check, 0, check.length));
    }

    @Test
    void framesARecordWithBothCrcs() {
        byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer record = ByteBuffer.wrap(TfRecords.frame(data)).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals(TfRecords.FRAMING_BYTES + 9, record.capacity());
        assertEquals(9, record.getLong(0));
        assertEquals(TfRecords.maskedCrc32c(new byte[] {9, 0, 0, 0, 0, 0, 0, 0}, 0, 8), record.getInt(8));
        assertArrayEquals(data, Arrays.copyOfRange(record.array(), 12, 21));
        assertEquals(0xC78AB0E5, record.getInt(21));
    }

    @Test
    void encodesEachFieldKind() {
        byte[] bytes = new ProtoEncoder()
                .doubleField(1, 1.0)          // key 1<<3|1; 0x3FF0000000000000 little-endian
                .int64Field(2, 300)           // key 2<<3|0; 300 = 0b10_0101100 -> 0xAC 0x02
                .stringField(3, "ab")         // key 3<<3|2; length 2
                .floatField(2, 0.5f)          // key 2<<3|5; 0x3F000000 little-endian
                .int64Field(2, -1)            // ten bytes, as protobuf writes a negative int64
                .packedDoublesField(6, new double[] {2.0}) // key 6<<3|2; 8 bytes; 0x4000000000000000
                .messageField(5, new ProtoEncoder().stringField(1, "c")) // key 5<<3|2; nested 0x0A 0x01 'c'
                .toByteArray();

        assertArrayEquals(new byte[] {
            0x09, 0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F,
            0x10, (byte) 0xAC, 0x02,
            0x1A, 0x02, 'a', 'b',
            0x15, 0, 0, 0, 0x3F,
            0x10, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x01,
            0x32, 0x08, 0, 0, 0, 0, 0, 0, 0, 0x40,
            0x2A, 0x03, 0x0A, 0x01, 'c'}, bytes);
    }

    @Test
    void histogramNeedsABucket() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Histograms.encode(new float[] {1}, 0));
        assertEquals("a histogram needs at least one bucket, not 0", e.getMessage());
    }
}
