package dev.annonet.runtime.tensorboard;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard's event files: each record is its length
 * (uint64, little-endian), the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of
 * the data (both CRCs little-endian uint32).
 */
final class TfRecords {
    /** Bytes a record adds around its data. */
    static final int FRAMING_BYTES = 8 + 4 + 4;

    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecords() {
    }

    /** The complete record holding {@code data}. */
    static byte[] frame(byte[] data) {
        ByteBuffer record = ByteBuffer.allocate(FRAMING_BYTES + data.length).order(ByteOrder.LITTLE_ENDIAN);
        record.putLong(data.length);
        record.putInt(maskedCrc32c(record.array(), 0, 8));
        record.put(data);
        record.putInt(maskedCrc32c(data, 0, data.length));
        return record.array();
    }

    /**
     * CRC32C (Castagnoli) of the bytes, rotated right by 15 bits and offset by a constant, as
     * TFRecord stores it: a CRC of data that itself holds CRCs is then not trivially related to them.
     */
    static int maskedCrc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return mask((int) crc.getValue());
    }

    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }
}
