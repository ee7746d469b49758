package dev.annonet.runtime.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * An IDX images file and its labels file (MNIST's format, see {@link Idx}) read a batch at a
 * time, from any position: the files are mapped, never loaded, so they may be larger than memory.
 * Pixels are scaled to [0, 1] as {@link Idx#readImages} scales them; targets are the class indices.
 *
 * <p>The files must be uncompressed: a gzip stream can only be read from its start, and training
 * visits samples in a new order every epoch. A gzipped file is an {@link IOException} that says so
 * ({@code gunzip} it, or load it into memory with {@link Idx}).
 */
public final class IdxDataset implements Dataset {
    private static final int IMAGES_MAGIC = 0x0803;
    private static final int LABELS_MAGIC = 0x0801;

    private final MappedFile images;
    private final MappedFile labels;
    private final long count;
    private final int pixels;
    private final int classes;
    private final long imagesStart;
    private final long labelsStart;
    /** One image's bytes, reused by every read. */
    private final byte[] imageBytes;

    private IdxDataset(Path imagesFile, int[] imageDimensions, Path labelsFile, long labelCount, int classes)
            throws IOException {
        this.count = imageDimensions[0];
        this.pixels = Math.multiplyExact(imageDimensions[1], imageDimensions[2]);
        this.classes = classes;
        this.imagesStart = 4 + 4L * imageDimensions.length;
        this.labelsStart = 8;
        if (labelCount != count) {
            throw new IOException(imagesFile + " holds " + count + " images, but " + labelsFile + " holds " + labelCount + " labels");
        }
        this.images = new MappedFile(imagesFile, Math.max(1, pixels));
        this.labels = new MappedFile(labelsFile, 1);
        requireLength(images, imagesStart + count * pixels);
        requireLength(labels, labelsStart + count);
        this.imageBytes = new byte[pixels];
    }

    /**
     * Opens an images file ({@code 0x0803}: count, rows, columns) and a labels file
     * ({@code 0x0801}) holding as many labels, each a class index below {@code classes}.
     */
    public static IdxDataset open(Path images, Path labels, int classes) throws IOException {
        if (classes <= 0) {
            throw new IllegalArgumentException("classes must be positive, was " + classes);
        }
        int[] imageDimensions = header(images, IMAGES_MAGIC, "image");
        int[] labelDimensions = header(labels, LABELS_MAGIC, "label");
        return new IdxDataset(images, imageDimensions, labels, labelDimensions[0], classes);
    }

    @Override
    public long size() {
        return count;
    }

    @Override
    public int inputWidth() {
        return pixels;
    }

    @Override
    public int targetWidth() {
        return 1;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public String source() {
        return images.path().toString();
    }

    @Override
    public void read(long[] samples, int count, float[] inputs, float[] targets) throws IOException {
        for (int i = 0; i < count; i++) {
            long sample = samples[i];
            images.read(imagesStart + sample * pixels, imageBytes, 0, pixels);
            int base = i * pixels;
            for (int p = 0; p < pixels; p++) {
                inputs[base + p] = (imageBytes[p] & 0xff) / 255f;
            }
            int label = labels.read(labelsStart + sample);
            if (label >= classes) {
                throw new IOException(labels.path() + ": label " + label + " of sample " + sample
                        + " is not a class index below " + classes);
            }
            targets[i] = label;
        }
    }

    /** The dimensions after a magic number that must be {@code magic}; a gzipped file is refused. */
    private static int[] header(Path file, int magic, String kind) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            DataInputStream data = new DataInputStream(in);
            int found = data.readInt();
            if (found >>> 16 == 0x1f8b) {
                throw new IOException(file + " is gzipped; streaming reads samples in any order and needs the file"
                        + " uncompressed (gunzip it), or load it into memory with Idx.read" + (magic == IMAGES_MAGIC ? "Images" : "Labels"));
            }
            if (found != magic) {
                throw new IOException(String.format("%s is not an IDX %s file: its magic number is 0x%08x, expected 0x%08x",
                        file, kind, found, magic));
            }
            int[] dimensions = new int[magic & 0xff];
            for (int i = 0; i < dimensions.length; i++) {
                dimensions[i] = data.readInt();
                if (dimensions[i] < 0) {
                    throw new IOException(file + ": dimension " + i + " is negative (" + dimensions[i] + ")");
                }
            }
            return dimensions;
        } catch (EOFException e) {
            throw new IOException(file + " is truncated: it ends in its header", e);
        }
    }

    private static void requireLength(MappedFile file, long expected) throws IOException {
        if (file.size() != expected) {
            throw new IOException(file.path() + " holds " + file.size() + " bytes, but its header promises " + expected
                    + (file.size() < expected ? " (the file is truncated)" : " (bytes follow the last value)"));
        }
    }
}
