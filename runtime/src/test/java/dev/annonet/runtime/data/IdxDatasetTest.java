package dev.annonet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDatasetTest {
    @TempDir
    Path directory;

    @Test
    void readsAnyBatchOfSamplesAsIdxReadsThemAll() throws IOException {
        byte[] pixels = new byte[5 * 6];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        Path images = write("images", images(5, 2, 3, pixels));
        Path labels = write("labels", labels(4, 0, 9, 3, 7));
        try (IdxDataset data = IdxDataset.open(images, labels, 10)) {
            assertEquals(5, data.size());
            assertEquals(6, data.inputWidth());
            assertEquals(1, data.targetWidth());
            assertEquals(10, data.classes());
            assertEquals(images.toString(), data.source());
            float[] all = Idx.readImages(images).toArray();
            float[] inputs = new float[3 * 6];
            float[] targets = new float[3];
            data.read(new long[] {4, 0, 2, 99}, 3, inputs, targets);
            assertArrayEquals(new float[] {7, 4, 9}, targets);
            assertArrayEquals(Arrays.copyOfRange(all, 24, 30), Arrays.copyOfRange(inputs, 0, 6));
            assertArrayEquals(Arrays.copyOfRange(all, 0, 6), Arrays.copyOfRange(inputs, 6, 12));
            assertArrayEquals(Arrays.copyOfRange(all, 12, 18), Arrays.copyOfRange(inputs, 12, 18));
        }
    }

    @Test
    void gzippedFilesAreRefusedWithWhatToDo() throws IOException {
        Path images = directory.resolve("images.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(images))) {
            out.write(images(1, 1, 1, new byte[] {1}));
        }
        Path labels = write("labels", labels(0));
        IOException e = assertThrows(IOException.class, () -> IdxDataset.open(images, labels, 10));
        assertTrue(e.getMessage().startsWith(images + " is gzipped"), e.getMessage());
        assertTrue(e.getMessage().contains("gunzip"), e.getMessage());
    }

    @Test
    void malformedFilesAreNamed() throws IOException {
        Path images = write("images", images(2, 1, 2, new byte[] {1, 2, 3, 4}));
        Path labels = write("labels", labels(1, 2));
        Path shortImages = write("short", Arrays.copyOf(images(2, 1, 2, new byte[] {1, 2, 3, 4}), 16 + 3));
        Path longLabels = write("long-labels", labels(1, 2, 3));
        Path headerOnly = write("header-only", new byte[] {0, 0, 8, 3, 0, 0});

        assertMessage(shortImages + " holds 19 bytes, but its header promises 20 (the file is truncated)",
                () -> IdxDataset.open(shortImages, labels, 10));
        assertMessage(images + " holds 2 images, but " + longLabels + " holds 3 labels",
                () -> IdxDataset.open(images, longLabels, 10));
        assertMessage(labels + " is not an IDX image file: its magic number is 0x00000801, expected 0x00000803",
                () -> IdxDataset.open(labels, labels, 10));
        assertMessage(headerOnly + " is truncated: it ends in its header", () -> IdxDataset.open(headerOnly, labels, 10));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> IdxDataset.open(directory.resolve("none"), labels, 10));
        assertEquals(directory.resolve("none").toString(), missing.getFile());

        try (IdxDataset data = IdxDataset.open(images, labels, 2)) {
            assertMessage(labels + ": label 2 of sample 1 is not a class index below 2",
                    () -> data.read(new long[] {1}, 1, new float[2], new float[1]));
        }
    }

    private interface Call {
        void run() throws IOException;
    }

    private static void assertMessage(String expected, Call call) {
        IOException e = assertThrows(IOException.class, call::run);
        assertEquals(expected, e.getMessage());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(directory.resolve(name), bytes);
    }

    static byte[] images(int count, int rows, int columns, byte[] pixels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0803);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(columns);
        out.write(pixels);
        return bytes.toByteArray();
    }

    static byte[] labels(int... labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0801);
        out.writeInt(labels.length);
        for (int label : labels) {
            out.writeByte(label);
        }
        return bytes.toByteArray();
    }
}
