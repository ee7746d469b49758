package dev.annonet.runtime.data;

import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.io.FileErrors;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads IDX files, the format of MNIST: a big-endian magic number {@code 0x00 0x00 type rank},
 * {@code rank} big-endian 32-bit dimensions, then the values. Unsigned-byte images ({@code 0x0803})
 * and labels ({@code 0x0801}) are supported, plain or gzipped (recognized by content, not name).
 *
 * <p>A file is read to its end and must hold exactly what its header promises: a malformed one
 * (wrong magic number or rank, dimensions too large, fewer or more values, a gzip stream whose
 * CRC-32 or length disagrees, no gzip trailer, bytes after the gzip data) is an {@link IOException}
 * whose message starts with the file's name and says what is wrong. Memory grows with the values
 * actually read, never with what a header claims.
 */
public final class Idx {
    private static final int IMAGES_MAGIC = 0x0803;
    private static final int LABELS_MAGIC = 0x0801;
    private static final int GZIP_MAGIC = 0x1f8b;
    /** The longest array every JVM allocates. */
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    private Idx() {
    }

    /** Images as an (images, rows × columns) tensor of pixel values scaled to [0, 1]. */
    public static Tensor readImages(Path file) throws IOException {
        return read(file, Idx::readImages);
    }

    /** Images from a stream, read to its end but not closed; {@code source} names it in error messages. */
    public static Tensor readImages(InputStream in, String source) throws IOException {
        return read(in, source, IMAGES_MAGIC, "image", (dimensions, bytes) -> {
            float[] values = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                values[i] = (bytes[i] & 0xff) / 255f;
            }
            return Tensor.of(values, dimensions[0], dimensions[1] * dimensions[2]);
        });
    }

    /** Labels as class indices. */
    public static int[] readLabels(Path file) throws IOException {
        return read(file, Idx::readLabels);
    }

    /** Labels from a stream, read to its end but not closed; {@code source} names it in error messages. */
    public static int[] readLabels(InputStream in, String source) throws IOException {
        return read(in, source, LABELS_MAGIC, "label", (dimensions, bytes) -> {
            int[] labels = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                labels[i] = bytes[i] & 0xff;
            }
            return labels;
        });
    }

    private interface StreamReader<T> {
        T read(InputStream in, String source) throws IOException;
    }

    private interface Decoder<T> {
        T decode(int[] dimensions, byte[] values);
    }

    private static <T> T read(Path file, StreamReader<T> reader) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not an IDX file");
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        } catch (IOException e) {
            throw FileErrors.naming(file, e);
        }
        try (in) {
            return reader.read(in, file.toString());
        }
    }

    private static <T> T read(InputStream in, String source, int magic, String kind, Decoder<T> decoder) throws IOException {
        // Closing the decompressed stream releases its inflater at once; the caller's stream stays open.
        InputStream leftOpen = new FilterInputStream(in) {
            @Override
            public void close() {
            }
        };
        try (DataInputStream data = new DataInputStream(decompressed(leftOpen, source))) {
            int[] dimensions = header(data, source, magic, kind);
            byte[] values = body(data, source, count(dimensions, source));
            if (data.read() != -1) {
                throw new IOException(source + ": more bytes follow the " + values.length + " values its header promises");
            }
            return decoder.decode(dimensions, values);
        } catch (IOException e) {
            throw FileErrors.naming(source, e);
        }
    }

    /** The stream, unzipped when it starts with gzip's magic bytes. */
    private static InputStream decompressed(InputStream in, String source) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(2);
        int magic = buffered.read() << 8 | buffered.read();
        buffered.reset();
        return magic == GZIP_MAGIC ? new CheckedGzipInputStream(buffered, source) : buffered;
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
            // A gzip stream's own end-of-data error already says where the data ends.
            throw e.getMessage() != null && e.getMessage().startsWith(source) ? e : truncated(source, "in its header", e);
        }
    }

    /** How many values the dimensions hold; each partial product must fit an array too, as a tensor's shape. */
    private static int count(int[] dimensions, String source) throws IOException {
        long count = 1;
        for (int i = dimensions.length - 1; i >= 0; i--) {
            count *= dimensions[i];
            if (count > MAX_VALUES) {
                StringBuilder product = new StringBuilder();
                for (int d : dimensions) {
                    product.append(product.length() == 0 ? "" : " × ").append(d);
                }
                throw new IOException(source + ": its header's dimensions " + product
                        + " hold more values than one array can (" + MAX_VALUES + ")");
            }
        }
        return (int) count;
    }

    /** Reads {@code count} values; the array grows with the bytes that arrive, not with the count promised. */
    private static byte[] body(DataInputStream data, String source, int count) throws IOException {
        byte[] bytes = data.readNBytes(count);
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
