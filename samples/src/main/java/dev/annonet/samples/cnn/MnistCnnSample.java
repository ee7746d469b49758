package dev.annonet.samples.cnn;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Evaluation;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.samples.mnist.EmbeddedMnist;
import java.util.Arrays;
import java.util.Locale;

/**
 * Keras's simple MNIST convnet on the embedded digits: Conv2D(32, 3×3, relu) → MaxPooling2D(2) →
 * Conv2D(64, 3×3, relu) → MaxPooling2D(2) → Flatten → Dropout(0.5) → Dense(10, softmax), Adam,
 * categorical cross-entropy, batch 128, 12 epochs, then the held-out accuracy.
 */
public final class MnistCnnSample {
    private static final String USAGE = "usage: MnistCnnSample [--epochs N] (default 12)";

    private MnistCnnSample() {
    }

    public static void main(String[] args) {
        int epochs = 12;
        try {
            epochs = epochs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
        Mnist mnist = EmbeddedMnist.load();
        System.out.printf(Locale.ROOT, "MNIST: %d training and %d held-out digits (embedded subset)%n",
                mnist.trainImages().samples(), mnist.testImages().samples());
        Evaluation score = train(mnist, mnist.trainImages().samples(), epochs, 1);
        System.out.printf(Locale.ROOT, "Test loss: %.4f%nTest accuracy: %.4f%n", score.loss(), score.get("accuracy"));
    }

    private static int epochs(String[] args) {
        if (args.length == 0) {
            return 12;
        }
        if (args.length != 2 || !args[0].equals("--epochs")) {
            throw new IllegalArgumentException("unknown arguments " + String.join(" ", args));
        }
        try {
            int epochs = Integer.parseInt(args[1]);
            if (epochs <= 0) {
                throw new IllegalArgumentException("--epochs must be positive, not " + epochs);
            }
            return epochs;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--epochs needs a whole number, not '" + args[1] + "'");
        }
    }

    /** Trains on the first {@code samples} training digits and evaluates on the held-out ones. */
    static Evaluation train(Mnist mnist, int samples, int epochs, int verbose) {
        Tensor images = mnist.trainImages();
        int[] shape = images.shape().clone();
        shape[0] = samples;
        float[] values = images.toArray();
        int sampleSize = values.length / images.samples();
        Tensor x = Tensor.of(Arrays.copyOf(values, samples * sampleSize), shape);
        Tensor y = Labels.oneHot(Arrays.copyOf(mnist.trainLabels(), samples), 10);
        Tensor yTest = Labels.oneHot(mnist.testLabels(), 10);
        try (MnistCnnModel model = MnistCnnModel.create(Device.auto(), 42)) {
            if (verbose > 0) {
                model.summary();
            }
            model.compile(Optimizers.adam(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            model.fit(x, y, Fit.options().batchSize(128).epochs(epochs).verbose(verbose)
                    .validationData(mnist.testImages(), yTest));
            return model.evaluate(mnist.testImages(), yTest);
        }
    }
}
