package dev.annonet.runtime.data;

import dev.annonet.runtime.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST: a big-endian magic number {@code 0x00 0x00 type rank},
 * {@code rank} big-endian 32-bit dimensions, then the values. Unsigned-byte images ({@code 0x0803})
 * and labels ({@code 0x0801}) are supported, plain or gzipped (recognized by content, not name).
 */
public final class Idx {
    private static final int IMAGES_MAGIC = 0x0803;
    private static final int LABELS_MAGIC = 0x0801;
    private static final int GZIP_MAGIC = 0x1f8b;

    private Idx() {
    }

    /** Images as an (images, rows × columns) tensor of pixel values scaled to [0, 1]. */
    public static Tensor readImages(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return readImages(in, file.toString());
        }
    }

    /** Images from a stream (not closed); {@code source} names it in error messages. */
    public static Tensor readImages(InputStream in, String source) throws IOException {
        DataInputStream data = data(in);
        int[] dimensions = header(data, source, IMAGES_MAGIC, "image");
        int pixels = Math.multiplyExact(dimensions[1], dimensions[2]);
        byte[] bytes = body(data, source, Math.multiplyExact(dimensions[0], pixels));
        float[] values = new float[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            values[i] = (bytes[i] & 0xff) / 255f;
        }
        return Tensor.of(values, dimensions[0], pixels);
    }

    /** Labels as class indices. */
    public static int[] readLabels(Path file) throws IOException {
        try (InputStream in = open(file)) {
            return readLabels(in, file.toString());
        }
    }

    /** Labels from a stream (not closed); {@code source} names it in error messages. */
    public static int[] readLabels(InputStream in, String source) throws IOException {
        DataInputStream data = data(in);
        int[] dimensions = header(data, source, LABELS_MAGIC, "label");
        byte[] bytes = body(data, source, dimensions[0]);
        int[] labels = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            labels[i] = bytes[i] & 0xff;
        }
        return labels;
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
        return Files.newInputStream(file);
    }

    /** Unzips the stream when it starts with gzip's magic bytes. */
    private static DataInputStream data(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(2);
        int magic = buffered.read() << 8 | buffered.read();
        buffered.reset();
        return new DataInputStream(magic == GZIP_MAGIC ? new GZIPInputStream(buffered) : buffered);
    }

    private static int[] header(DataInputStream data, String source, int expectedMagic, String kind) throws IOException {
        try {
            int magic = data.readInt();
            if (magic != expectedMagic) {
                throw new IOException(String.format("%s is not an IDX %s file: its magic number is 0x%08x, expected 0x%08x",
                        source, kind, magic, expectedMagic));
            }
            int[] dimensions = new int[expectedMagic & 0xff];
            for (int i = 0; i < dimensions.length; i++) {
                dimensions[i] = data.readInt();
                if (dimensions[i] < 0) {
                    throw new IOException(source + ": dimension " + i + " is negative (" + dimensions[i] + ")");
                }
            }
            return dimensions;
        } catch (EOFException e) {
            throw truncated(source, "in its header", e);
        }
    }

    private static byte[] body(DataInputStream data, String source, int count) throws IOException {
        byte[] bytes;
        try {
            bytes = data.readNBytes(count);
        } catch (EOFException e) {
            throw truncated(source, "(a compressed stream ends early)", e);
        }
        if (bytes.length < count) {
            throw truncated(source, "its header promises " + count + " values, but only " + bytes.length + " follow", null);
        }
        return bytes;
    }

    private static EOFException truncated(String source, String detail, Exception cause) {
        EOFException e = new EOFException(source + " is truncated: " + detail);
        e.initCause(cause);
        return e;
    }
}
