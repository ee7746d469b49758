package dev.annonet.runtime.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images in a folder per class, as Keras's {@code image_dataset_from_directory} reads them:
 * {@code root/<class>/*.png} (or .jpg, .jpeg, .gif, .bmp), the classes sorted by folder name and
 * numbered from 0, the images of each class sorted by file name. Each image is decoded with
 * javax.imageio when its batch is read, and must be the declared height and width (images are not
 * resized: resize them once, ahead of training). Values are channels last, scaled to [0, 1]: one
 * channel takes the gray level of a gray image and the luma of a colour one (ITU-R 601:
 * 0.299 R + 0.587 G + 0.114 B, as {@code tf.image.rgb_to_grayscale}); three take the red, green and
 * blue of a colour image, and the gray level three times of a gray one. Targets are
 * the class indices.
 */
public final class ImageFolderDataset implements Dataset {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".gif", ".bmp");

    private final Path root;
    private final List<String> classNames;
    private final Path[] files;
    private final int[] labels;
    private final int height;
    private final int width;
    private final int channels;
    /** One image's packed RGB pixels, reused by every read. */
    private final int[] pixels;

    private ImageFolderDataset(Path root, List<String> classNames, List<Path> files, List<Integer> labels,
                               int height, int width, int channels) {
        this.root = root;
        this.classNames = List.copyOf(classNames);
        this.files = files.toArray(new Path[0]);
        this.labels = labels.stream().mapToInt(Integer::intValue).toArray();
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.pixels = new int[height * width];
    }

    /**
     * Lists {@code root}'s class folders and their images; the images are read later, a batch at a
     * time. {@code channels} is 1 (grayscale) or 3 (RGB).
     */
    public static ImageFolderDataset open(Path root, int height, int width, int channels) throws IOException {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("images must have a positive size, was " + height + " x " + width);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (grayscale) or 3 (RGB), was " + channels);
        }
        Math.multiplyExact(Math.multiplyExact(height, width), channels);
        if (!Files.isDirectory(root)) {
            throw new NoSuchFileException(root.toString(), null, "no such folder of class folders");
        }
        List<String> classNames = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path folder : sorted(root, Files::isDirectory)) {
            int label = classNames.size();
            classNames.add(folder.getFileName().toString());
            for (Path file : sorted(folder, ImageFolderDataset::isImage)) {
                files.add(file);
                labels.add(label);
            }
        }
        if (classNames.isEmpty()) {
            throw new IOException(root + " holds no class folders (root/<class>/<image>)");
        }
        if (files.isEmpty()) {
            throw new IOException(root + "'s class folders " + classNames + " hold no images (" + String.join(", ", EXTENSIONS) + ")");
        }
        return new ImageFolderDataset(root, classNames, files, labels, height, width, channels);
    }

    /** The class folders' names, in class-index order. */
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public long size() {
        return files.length;
    }

    @Override
    public int inputWidth() {
        return height * width * channels;
    }

    @Override
    public int targetWidth() {
        return 1;
    }

    @Override
    public int classes() {
        return classNames.size();
    }

    @Override
    public String source() {
        return root.toString();
    }

    /** Decoding allocates: ImageIO makes a new image for every file it reads. */
    @Override
    public void read(long[] samples, int count, float[] inputs, float[] targets) throws IOException {
        int size = inputWidth();
        for (int i = 0; i < count; i++) {
            int sample = Math.toIntExact(samples[i]);
            Path file = files[sample];
            BufferedImage image;
            try {
                image = ImageIO.read(file.toFile());
            } catch (IOException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
            if (image == null) {
                throw new IOException(file + " is not an image that javax.imageio can decode");
            }
            if (image.getHeight() != height || image.getWidth() != width) {
                throw new IOException(file + " is " + image.getHeight() + " x " + image.getWidth()
                        + " pixels, but the dataset was opened for " + height + " x " + width + " (resize the images first)");
            }
            ColorModel colors = image.getColorModel();
            if (colors.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(colors instanceof IndexColorModel)) {
                image.getRaster().getSamples(0, 0, width, height, 0, pixels);
                scaleGray(inputs, i * size, (1 << colors.getComponentSize(0)) - 1);
            } else {
                image.getRGB(0, 0, width, height, pixels, 0, width);
                scaleRgb(inputs, i * size);
            }
            targets[i] = labels[sample];
        }
    }

    /**
     * Gray levels as stored: getRGB would first convert them from the linear gray colour space
     * to sRGB and change every value but black and white.
     */
    private void scaleGray(float[] inputs, int offset, int white) {
        for (int p = 0; p < pixels.length; p++) {
            float gray = (float) pixels[p] / white;
            for (int c = 0; c < channels; c++) {
                inputs[offset + channels * p + c] = gray;
            }
        }
    }

    private void scaleRgb(float[] inputs, int offset) {
        for (int p = 0; p < pixels.length; p++) {
            int rgb = pixels[p];
            int red = rgb >> 16 & 0xff;
            int green = rgb >> 8 & 0xff;
            int blue = rgb & 0xff;
            if (channels == 1) {
                inputs[offset + p] = (0.299f * red + 0.587f * green + 0.114f * blue) / 255f;
            } else {
                int at = offset + 3 * p;
                inputs[at] = red / 255f;
                inputs[at + 1] = green / 255f;
                inputs[at + 2] = blue / 255f;
            }
        }
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file) && EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static List<Path> sorted(Path folder, Predicate<Path> filter) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(filter).sorted().toList();
        }
    }
}
