package dev.annonet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
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

    static byte[] images(int count, int rows, int columns, int... pixels) {
        return idx(0x0803, new int[] {count, rows, columns}, pixels);
    }

    static byte[] labels(int... labels) {
        return idx(0x0801, new int[] {labels.length}, labels);
    }

    private static byte[] idx(int magic, int[] dimensions, int[] values) {
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
