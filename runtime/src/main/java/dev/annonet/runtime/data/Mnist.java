package dev.annonet.runtime.data;

import dev.annonet.runtime.Tensor;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The MNIST digits as the course loads them ({@code mnist.load_data()}, flattened and scaled):
 * images as (n, 784) tensors of values in [0, 1], labels as class indices 0..9. The label arrays
 * are shared, not copied.
 */
public record Mnist(Tensor trainImages, int[] trainLabels, Tensor testImages, int[] testLabels) {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** Opens a data file by name, e.g. from jar resources; returns null when there is no such file. */
    @FunctionalInterface
    public interface Opener {
        InputStream open(String fileName) throws IOException;
    }

    /**
     * Loads the four files, each gzipped ({@code .gz}) or plain, from {@code directory}. A file
     * that is malformed (see {@link Idx}) is an error naming it.
     */
    public static Mnist load(Path directory) throws IOException {
        return load(name -> {
            Path file = directory.resolve(name);
            return Files.exists(file) ? Files.newInputStream(file) : null;
        }, directory + File.separator);
    }

    /**
     * Loads the four files through {@code opener}, e.g.
     * {@code Mnist.load(name -> Samples.class.getResourceAsStream("/mnist/" + name))}.
     */
    public static Mnist load(Opener opener) throws IOException {
        return load(opener, "");
    }

    private static Mnist load(Opener opener, String where) throws IOException {
        Tensor trainImages = read(opener, where, TRAIN_IMAGES, Idx::readImages);
        int[] trainLabels = read(opener, where, TRAIN_LABELS, Idx::readLabels);
        Tensor testImages = read(opener, where, TEST_IMAGES, Idx::readImages);
        int[] testLabels = read(opener, where, TEST_LABELS, Idx::readLabels);
        requireSameCount(where + TRAIN_IMAGES, trainImages, where + TRAIN_LABELS, trainLabels);
        requireSameCount(where + TEST_IMAGES, testImages, where + TEST_LABELS, testLabels);
        return new Mnist(trainImages, trainLabels, testImages, testLabels);
    }

    private interface Reader<T> {
        T read(InputStream in, String source) throws IOException;
    }

    /** Reads the gzipped file if there is one, else the plain one; errors name the one read. */
    private static <T> T read(Opener opener, String where, String name, Reader<T> reader) throws IOException {
        try (InputStream gzipped = opener.open(name + ".gz")) {
            if (gzipped != null) {
                return reader.read(gzipped, where + name + ".gz");
            }
        }
        try (InputStream plain = opener.open(name)) {
            if (plain == null) {
                throw new NoSuchFileException(where + name + ".gz", null, "neither it nor " + where + name + " exists");
            }
            return reader.read(plain, where + name);
        }
    }

    private static void requireSameCount(String imagesName, Tensor images, String labelsName, int[] labels) throws IOException {
        if (images.samples() != labels.length) {
            throw new IOException(imagesName + " holds " + images.samples() + " images, but "
                    + labelsName + " holds " + labels.length + " labels");
        }
    }
}
