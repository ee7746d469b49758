package dev.annonet.applications;

import dev.annonet.runtime.Model;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.io.FileErrors;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Classifies an image into ImageNet's 1000 classes as {@code keras.applications} does: the
 * image as {@code keras.utils.load_img(path, target_size=...)} loads it (RGB, alpha dropped,
 * resized to the network's input with nearest-neighbour sampling, Keras's default, which samples
 * the source pixel under each target pixel's centre as Pillow's NEAREST does), then the family's
 * {@code preprocess_input}, then the network's softmax, read as {@code decode_predictions} reads it.
 */
public final class ImageNetClassifier {
    /** The names of the 1000 classes in class-index order (torchvision's names; the order is Keras's). */
    public static final List<String> CLASSES = readClasses();

    /** A class, its name and its probability. */
    public record Guess(int index, String name, float probability) {
    }

    private final Model model;
    private final int height;
    private final int width;
    private final Preprocessing preprocessing;

    /** A classifier running {@code model}, whose input is (height, width, 3) and output 1000 probabilities. */
    public ImageNetClassifier(Model model, int height, int width, Preprocessing preprocessing) {
        this.model = model;
        this.height = height;
        this.width = width;
        this.preprocessing = preprocessing;
    }

    /** Reads an image file with javax.imageio; an IOException naming the file where it is none it reads. */
    public static BufferedImage read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw FileErrors.naming(file, e);
        }
        if (image == null) {
            String formats = Arrays.stream(ImageIO.getReaderFormatNames()).map(String::toLowerCase).distinct().sorted()
                    .collect(Collectors.joining(", "));
            throw new IOException(file + ": not an image javax.imageio reads (it reads " + formats + ")");
        }
        return image;
    }

    /** The {@code k} likeliest classes of {@code image}, likeliest first. */
    public List<Guess> top(BufferedImage image, int k) {
        float[] probabilities = model.predict(Tensor.of(input(image), 1, height, width, 3)).toArray();
        if (probabilities.length != CLASSES.size()) {
            throw new IllegalArgumentException(model.name() + " gives " + probabilities.length
                    + " outputs, not ImageNet's " + CLASSES.size() + " classes");
        }
        return IntStream.range(0, probabilities.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> probabilities[i]).reversed())
                .limit(k)
                .map(i -> new Guess(i, CLASSES.get(i), probabilities[i]))
                .toList();
    }

    /** The network's input for {@code image}: resized (nearest), preprocessed, NHWC. */
    float[] input(BufferedImage image) {
        float[] input = new float[height * width * 3];
        for (int y = 0; y < height; y++) {
            int sourceY = nearest(y, height, image.getHeight());
            for (int x = 0; x < width; x++) {
                int sourceX = nearest(x, width, image.getWidth());
                preprocessing.apply(image.getRGB(sourceX, sourceY), input, (y * width + x) * 3);
            }
        }
        return input;
    }

    /** Pillow's NEAREST: the source pixel under the centre of target pixel {@code i}. */
    private static int nearest(int i, int target, int source) {
        return Math.min((int) ((i + 0.5) * source / target), source - 1);
    }

    private static List<String> readClasses() {
        try (InputStream in = ImageNetClassifier.class.getResourceAsStream("imagenet_classes.txt")) {
            if (in == null) {
                throw new IllegalStateException("imagenet_classes.txt is missing from the applications jar");
            }
            List<String> names = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                names.add(line);
            }
            return List.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
