package dev.annonet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path directory;

    @Test
    void readsImagesScaledToUnitRange() throws IOException {
        Path file = write("images", false, images(2, 2, 3, 0, 255, 51, 102, 153, 204, 1, 2, 3, 4, 5, 6));
        Tensor images = Idx.readImages(file);
        assertArrayEquals(new int[] {2, 6}, images.shape());
        assertEquals(0f, images.get(0, 0));
        assertEquals(1f, images.get(0, 1));
        assertEquals(0.2f, images.get(0, 2), 1e-7);
        assertEquals(6 / 255f, images.get(1, 5));
    }

    @Test
    void readsGzippedFilesByContentWhateverTheirName() throws IOException {
        Path file = write("labels-without-suffix", true, labels(7, 0, 9, 255));
        assertArrayEquals(new int[] {7, 0, 9, 255}, Idx.readLabels(file));
        Path images = write("images.gz", true, images(1, 1, 2, 10, 20));
        assertArrayEquals(new float[] {10 / 255f, 20 / 255f}, Idx.readImages(images).toArray());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = directory.resolve("nothing-here");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Idx.readLabels(missing));
        assertEquals(missing.toString(), e.getFile());
        assertTrue(e.getMessage().contains("no such IDX file"), e.getMessage());
    }

    @Test
    void aWrongMagicNumberSaysWhatWasExpected() throws IOException {
        Path file = write("labels", false, labels(1, 2, 3));
        IOException e = assertThrows(IOException.class, () -> Idx.readImages(file));
        assertEquals(file + " is not an IDX image file: its magic number is 0x00000801, expected 0x00000803", e.getMessage());
    }

    @Test
    void aTruncatedFileSaysHowMuchIsMissing() throws IOException {
        byte[] whole = images(3, 2, 2, new int[12]);
        Path file = write("short", false, Arrays.copyOf(whole, whole.length - 5));
        EOFException e = assertThrows(EOFException.class, () -> Idx.readImages(file));
        assertEquals(file + " is truncated: its header promises 12 values, but only 7 follow", e.getMessage());
        Path header = write("header", false, Arrays.copyOf(whole, 6));
        assertEquals(header + " is truncated: in its header",
                assertThrows(EOFException.class, () -> Idx.readImages(header)).getMessage());
        byte[] zipped = gzip(whole);
        Path cut = write("cut.gz", false, Arrays.copyOf(zipped, zipped.length - 12));
        assertTrue(assertThrows(EOFException.class, () -> Idx.readImages(cut)).getMessage().startsWith(cut + " is truncated"));
    }

    @Test
    void aWrongDimensionCountIsAWrongMagicNumber() throws IOException {
        Path file = write("rank2", false, idx(0x0802, new int[] {2, 2}, new int[4]));
        assertRejected(file, () -> Idx.readImages(file), file + " is not an IDX image file: its magic number is 0x00000802, expected 0x00000803");
    }

    @Test
    void everyFlippedBitOfTheCompressedDataOrTrailerIsCaughtOrHarmless() throws IOException {
        int[] labels = new Random(17).ints(300, 0, 10).toArray();
        byte[] zipped = gzip(labels(labels));
        int caught = 0;
        // After the 10-byte header (whose time and OS bytes nothing checks): the deflate data, then CRC-32 and length.
        for (int position = 10; position < zipped.length; position++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = zipped.clone();
                flipped[position] ^= (byte) (1 << bit);
                try {
                    assertArrayEquals(labels, Idx.readLabels(new ByteArrayInputStream(flipped), "flipped.gz"),
                            "a flip at byte " + position + " bit " + bit + " changed the labels");
                } catch (IOException e) {
                    assertTrue(e.getMessage().startsWith("flipped.gz"), e.getMessage());
                    caught++;
                }
            }
        }
        // Only padding bits after the last deflate block can flip unnoticed, and they change nothing.
        assertTrue(caught >= 8 * (zipped.length - 10) - 7, caught + " of " + 8 * (zipped.length - 10) + " flips caught");
    }

    @Test
    void aGzipTrailerThatDisagreesIsAnError() throws IOException {
        byte[] zipped = gzip(labels(1, 2, 3));
        byte[] badCrc = zipped.clone();
        badCrc[zipped.length - 8] ^= 1;
        Path crc = write("crc.gz", false, badCrc);
        assertRejected(crc, () -> Idx.readLabels(crc), "'s CRC-32 is 0x");
        byte[] badLength = zipped.clone();
        badLength[zipped.length - 1] = 1;
        Path length = write("length.gz", false, badLength);
        assertRejected(length, () -> Idx.readLabels(length), ": corrupt gzip data: member 1 inflates to 11 bytes (mod 2^32), its trailer says 16777227");
    }

    @Test
    void aGzipFileWithoutItsTrailerIsTruncated() throws IOException {
        byte[] zipped = gzip(labels(1, 2, 3));
        for (int cut : new int[] {8, 4, 1}) {
            Path file = write("cut" + cut + ".gz", false, Arrays.copyOf(zipped, zipped.length - cut));
            EOFException e = assertThrows(EOFException.class, () -> Idx.readLabels(file));
            assertEquals(file + " is truncated: its gzip data ends before the gzip trailer (CRC-32 and length) is complete", e.getMessage());
        }
    }

    @Test
    void concatenatedGzipMembersReadAsOneStream() throws IOException {
        byte[] whole = labels(4, 5, 6, 7);
        byte[] first = gzip(Arrays.copyOf(whole, 7));
        byte[] second = gzip(Arrays.copyOfRange(whole, 7, whole.length));
        Path file = write("two-members.gz", false, concat(first, second));
        assertArrayEquals(new int[] {4, 5, 6, 7}, Idx.readLabels(file));
    }

    @Test
    void bytesAfterTheGzipDataAreAnError() throws IOException {
        Path zeros = write("padded.gz", false, concat(gzip(labels(1, 2)), new byte[4]));
        assertRejected(zeros, () -> Idx.readLabels(zeros),
                zeros + ": unexpected bytes after the end of its gzip data (neither the end of the file nor another gzip member)");
        Path half = write("half-member.gz", false, concat(gzip(labels(1, 2)), new byte[] {0x1f, (byte) 0x8b, 8}));
        assertRejected(half, () -> Idx.readLabels(half), half + " is truncated: its gzip data ends in a gzip header");
    }

    @Test
    void corruptCompressedDataIsNamed() throws IOException {
        byte[] zipped = gzip(labels(1, 2, 3));
        Arrays.fill(zipped, 10, zipped.length - 8, (byte) 0xff);
        IOException e = assertThrows(ZipException.class, () -> Idx.readLabels(new ByteArrayInputStream(zipped), "stream.gz"));
        assertTrue(e.getMessage().startsWith("stream.gz: corrupt gzip data (invalid block type)"), e.getMessage());
    }

    @Test
    void gzipHeaderFieldsAreSkippedAndTheirCrcChecked() throws IOException {
        byte[] data = labels(8, 9);
        byte[] member = gzipWithAllHeaderFields(data, false);
        Path file = write("fields.gz", false, member);
        assertArrayEquals(new int[] {8, 9}, Idx.readLabels(file));
        Path corrupt = write("header-crc.gz", false, gzipWithAllHeaderFields(data, true));
        assertRejected(corrupt, () -> Idx.readLabels(corrupt), ": gzip member 1 has a corrupt header (its CRC-16 is 0x");
        byte[] reserved = member.clone();
        reserved[3] |= (byte) 0x80;
        Path flags = write("reserved.gz", false, reserved);
        assertRejected(flags, () -> Idx.readLabels(flags), ": gzip member 1 sets reserved header flags 0x80");
        byte[] stored = member.clone();
        stored[2] = 0;
        Path method = write("method.gz", false, stored);
        assertRejected(method, () -> Idx.readLabels(method), ": gzip member 1 uses compression method 0; only deflate (8) exists");
    }

    @Test
    void bytesAfterThePromisedValuesAreAnError() throws IOException {
        Path file = write("long", false, concat(labels(1, 2, 3), new byte[] {4}));
        assertRejected(file, () -> Idx.readLabels(file), file + ": more bytes follow the 3 values its header promises");
        Path zipped = write("long.gz", true, concat(labels(1, 2, 3), new byte[] {4}));
        assertRejected(zipped, () -> Idx.readLabels(zipped), zipped + ": more bytes follow the 3 values its header promises");
    }

    @Test
    void dimensionsTooLargeForAnArrayAreAnErrorNotAnOverflow() throws IOException {
        Path file = write("huge", false, images(65536, 65536, 65536));
        assertRejected(file, () -> Idx.readImages(file),
                file + ": its header's dimensions 65536 × 65536 × 65536 hold more values than one array can (2147483639)");
        Path pixels = write("wide", false, images(0, 65536, 65536));
        assertRejected(pixels, () -> Idx.readImages(pixels), "hold more values than one array can");
    }

    @Test
    void aHeaderPromisingBillionsOfValuesAllocatesOnlyWhatFollows() throws IOException {
        byte[] header = Arrays.copyOf(idx(0x0801, new int[] {Integer.MAX_VALUE - 8}, new int[0]), 8 + 10);
        Path plain = write("promises", false, header);
        EOFException e = assertThrows(EOFException.class, () -> Idx.readLabels(plain));
        assertEquals(plain + " is truncated: its header promises 2147483639 values, but only 10 follow", e.getMessage());
        Path zipped = write("promises.gz", true, header);
        assertThrows(EOFException.class, () -> Idx.readLabels(zipped));
    }

    @Test
    void aDirectoryIsNamed() throws IOException {
        Path sub = Files.createDirectory(directory.resolve("sub"));
        assertRejected(sub, () -> Idx.readLabels(sub), sub + ": is a directory, not an IDX file");
    }

    @Test
    void readErrorsOfTheUnderlyingStreamAreNamed() {
        IOException e = assertThrows(IOException.class, () -> Idx.readLabels(new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("Input/output error");
            }
        }, "drive/labels"));
        assertEquals("drive/labels: Input/output error", e.getMessage());
        assertEquals("Input/output error", e.getCause().getMessage());
    }

    /** A member with the optional extra field, name, comment and header CRC-16 (wrong when asked). */
    private static byte[] gzipWithAllHeaderFields(byte[] data, boolean wrongHeaderCrc) throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3});
        header.write(new byte[] {3, 0, 'x', 'y', 'z'});
        header.write("labels\0a comment\0".getBytes(StandardCharsets.ISO_8859_1));
        CRC32 headerCrc = new CRC32();
        headerCrc.update(header.toByteArray());
        int crc16 = (int) headerCrc.getValue() & 0xffff ^ (wrongHeaderCrc ? 1 : 0);
        header.write(new byte[] {(byte) crc16, (byte) (crc16 >>> 8)});
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] deflated = new byte[data.length + 64];
        int length = deflater.deflate(deflated);
        deflater.end();
        header.write(deflated, 0, length);
        CRC32 crc = new CRC32();
        crc.update(data);
        header.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).putInt(data.length).array());
        return header.toByteArray();
    }

    private static void assertRejected(Path file, Executable read, String expected) {
        IOException e = assertThrows(IOException.class, read);
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    static byte[] images(int count, int rows, int columns, int... pixels) {
        return idx(0x0803, new int[] {count, rows, columns}, pixels);
    }

    static byte[] labels(int... labels) {
        return idx(0x0801, new int[] {labels.length}, labels);
    }

    static byte[] idx(int magic, int[] dimensions, int[] values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dimensions) {
                out.writeInt(d);
            }
            for (int v : values) {
                out.writeByte(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private Path write(String name, boolean gzipped, byte[] data) throws IOException {
        return Files.write(directory.resolve(name), gzipped ? gzip(data) : data);
    }
}
