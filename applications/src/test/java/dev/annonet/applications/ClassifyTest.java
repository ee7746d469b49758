package dev.annonet.applications;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.io.KerasH5;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classify command's parts: the image as Keras's load_img and preprocess_input make it, the
 * top five of a network whose .h5 weights (scripts/keras/write_h5_fixtures.py, random) the test
 * reads back to compute what to expect, and the command's errors.
 */
class ClassifyTest {
    @TempDir
    Path dir;

    /** An 8 × 6 image whose pixel (x, y) is red 10x + y, green 100 + y, blue 200 + x: each says where it came from. */
    private static BufferedImage gradient() {
        BufferedImage image = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, (10 * x + y) << 16 | (100 + y) << 8 | (200 + x));
            }
        }
        return image;
    }

    private Path png(BufferedImage image) throws IOException {
        Path file = dir.resolve("image.png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    private static Path weights() throws URISyntaxException {
        return Path.of(ClassifyTest.class.getResource("/fixtures/keras/tiny_imagenet_weights.h5").toURI());
    }

    @Test
    void resizesByNearestNeighbourAndPreprocessesAsKeras() throws IOException {
        BufferedImage image = ImageNetClassifier.read(png(gradient()));
        try (TinyImageNetModel model = TinyImageNetModel.create(Device.cpu(), 1)) {
            // Pillow's NEAREST from 8 × 6 to 4 × 4 samples columns 1, 3, 5, 7 and rows 0, 2, 3, 5.
            float[] caffe = new ImageNetClassifier(model, 4, 4, Preprocessing.CAFFE).input(image);
            assertArrayEquals(new float[] {201 - 103.939f, 100 - 116.779f, 10 - 123.68f}, head(caffe, 0), "B, G, R less the mean");
            assertArrayEquals(new float[] {207 - 103.939f, 105 - 116.779f, 75 - 123.68f}, head(caffe, 15), "last pixel");
            float[] tf = new ImageNetClassifier(model, 4, 4, Preprocessing.TF).input(image);
            assertArrayEquals(new float[] {32 / 127.5f - 1, 102 / 127.5f - 1, 203 / 127.5f - 1}, head(tf, 4 + 1),
                    "row 1, column 1: source (3, 2)");
        }
    }

    private static float[] head(float[] input, int pixel) {
        return new float[] {input[pixel * 3], input[pixel * 3 + 1], input[pixel * 3 + 2]};
    }

    @Test
    void topFiveAreTheLikeliestClassesWithTheirNames() throws IOException, URISyntaxException {
        BufferedImage image = gradient();
        float[] kernel;
        float[] bias;
        try (KerasH5 h5 = KerasH5.open(weights())) {
            List<KerasH5.Weight> predictions = h5.weights("predictions");
            kernel = h5.read(predictions.get(0));
            bias = h5.read(predictions.get(1));
        }
        try (TinyImageNetModel model = TinyImageNetModel.create(Device.cpu(), 1)) {
            model.loadKerasWeights(weights());
            ImageNetClassifier classifier = new ImageNetClassifier(model, 4, 4, Preprocessing.TF);
            double[] expected = softmax(classifier.input(image), kernel, bias);
            List<ImageNetClassifier.Guess> top = classifier.top(image, 5);
            assertEquals(5, top.size());
            for (int k = 0; k < 5; k++) {
                ImageNetClassifier.Guess guess = top.get(k);
                int rank = 0;
                for (double p : expected) {
                    rank += p > expected[guess.index()] ? 1 : 0;
                }
                assertEquals(k, rank, "guess " + k + " is class " + guess.index());
                assertEquals(expected[guess.index()], guess.probability(), 1e-5);
                assertEquals(ImageNetClassifier.CLASSES.get(guess.index()), guess.name());
            }
        }
        assertEquals(1000, ImageNetClassifier.CLASSES.size());
        assertEquals("tench", ImageNetClassifier.CLASSES.get(0));
        assertEquals("toilet tissue", ImageNetClassifier.CLASSES.get(999));
    }

    private static double[] softmax(float[] x, float[] kernel, float[] bias) {
        double[] logits = new double[1000];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < 1000; c++) {
            logits[c] = bias[c];
            for (int i = 0; i < x.length; i++) {
                logits[c] += (double) x[i] * kernel[i * 1000 + c];
            }
            max = Math.max(max, logits[c]);
        }
        double sum = 0;
        for (int c = 0; c < 1000; c++) {
            logits[c] = Math.exp(logits[c] - max);
            sum += logits[c];
        }
        for (int c = 0; c < 1000; c++) {
            logits[c] /= sum;
        }
        return logits;
    }

    private record Run(int status, String out, String err) {
    }

    private static Run classify(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Classify.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownApplicationListsTheKnownOnes() {
        Run run = classify("AlexNet", "weights.h5", "cat.jpg");
        assertEquals(2, run.status());
        assertEquals("classify: unknown application 'AlexNet': the applications are VGG16, VGG19, ResNet50\n", run.err());
        assertTrue(classify("ResNet50").err().startsWith("usage: Classify <application> <weights.h5> <image>"));
    }

    @Test
    void anUnreadableImageIsNamed() throws IOException, URISyntaxException {
        Path text = Files.writeString(dir.resolve("cat.jpg"), "not an image");
        Run run = classify("ResNet50", weights().toString(), text.toString());
        assertEquals(1, run.status());
        assertTrue(run.err().startsWith("classify: " + text + ": not an image javax.imageio reads (it reads "), run.err());
        Run missing = classify("ResNet50", weights().toString(), dir.resolve("missing.png").toString());
        assertTrue(missing.err().startsWith("classify: ") && missing.err().contains("missing.png"), missing.err());
    }

    @Test
    void weightsOfAnotherNetworkSayWhatDoesNotFit() throws IOException, URISyntaxException {
        Path image = png(gradient());
        Run run = classify("ResNet50", weights().toString(), image.toString());
        assertEquals(1, run.status());
        assertTrue(run.err().startsWith("classify: " + weights() + " does not fit ResNet50: 106 layers, 'conv1_conv'"
                + " (kernel, bias), 'conv1_bn' (gamma, beta, moving_mean, moving_variance), "), run.err());
        assertTrue(run.err().contains(", ..., are not in the file (it has 3 layers: input_layer, flatten, predictions);"
                + " layer 'predictions', weight 'kernel' ('predictions/kernel:0' in the file): ResNet50 expects shape"
                + " [2048, 1000], the file has [48, 1000]\n"), run.err());
        assertEquals("", run.out());
    }
}
