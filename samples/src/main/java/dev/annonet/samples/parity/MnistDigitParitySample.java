package dev.annonet.samples.parity;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@link MnistDigitParity} trained end to end on the embedded digits, each paired with a random
 * number: categorical cross-entropy on the digit, binary cross-entropy (weight 0.5) on the parity of
 * digit plus number, Adam, batch 128; then each output's held-out accuracy.
 */
public final class MnistDigitParitySample {
    static final int DEFAULT_EPOCHS = 10;

    private MnistDigitParitySample() {
    }

    public static void main(String[] args) {
        int epochs = DEFAULT_EPOCHS;
        if (args.length == 2 && args[0].equals("--epochs") && args[1].matches("[1-9][0-9]{0,5}")) {
            epochs = Integer.parseInt(args[1]);
        } else if (args.length != 0) {
            System.err.println("usage: MnistDigitParitySample [--epochs N (default " + DEFAULT_EPOCHS + ")]");
            System.exit(2);
        }
        Mnist mnist = EmbeddedMnist.load();
        Evaluation score = train(mnist, mnist.trainImages().samples(), epochs, 1);
        System.out.printf(Locale.ROOT, "Held-out digit accuracy: %.4f%nHeld-out parity accuracy: %.4f%n",
                score.get("digit_accuracy"), score.get("even_accuracy"));
    }

    /** Trains on the first {@code samples} training digits and evaluates on the held-out ones. */
    static Evaluation train(Mnist mnist, int samples, int epochs, int verbose) {
        Random random = new Random(7);
        Pairs train = Pairs.of(mnist.trainImages(), Arrays.copyOf(mnist.trainLabels(), samples), random);
        Pairs test = Pairs.of(mnist.testImages(), mnist.testLabels(), random);
        try (MnistDigitParityModel model = MnistDigitParityModel.create(Device.auto(), 42)) {
            if (verbose > 0) {
                model.summary();
            }
            model.compile(Optimizers.adam(1e-3f),
                    Map.of("digit", Losses.categoricalCrossentropy(), "even", Losses.binaryCrossentropy()),
                    Map.of("digit", 1.0, "even", 0.5),
                    Map.of("digit", List.of(Metrics.accuracy()), "even", List.of(Metrics.accuracy())));
            model.fit(train.images, train.addends, train.digits, train.even, Fit.options().batchSize(128).epochs(epochs)
                    .verbose(verbose).validationData(List.of(test.images, test.addends), List.of(test.digits, test.even)));
            return model.evaluate(test.images, test.addends, test.digits, test.even);
        }
    }

    /** The first images of a set, each with a random addend, and both targets. */
    private record Pairs(Tensor images, Tensor addends, Tensor digits, Tensor even) {
        static Pairs of(Tensor allImages, int[] labels, Random random) {
            int[] shape = allImages.shape().clone();
            shape[0] = labels.length;
            float[] values = allImages.toArray();
            int sampleSize = values.length / allImages.samples();
            Tensor images = Tensor.of(Arrays.copyOf(values, labels.length * sampleSize), shape);
            int[] addends = new int[labels.length];
            float[] even = new float[labels.length];
            for (int i = 0; i < labels.length; i++) {
                addends[i] = random.nextInt(10);
                even[i] = (labels[i] + addends[i]) % 2 == 0 ? 1 : 0;
            }
            return new Pairs(images, Labels.oneHot(addends, 10), Labels.oneHot(labels, 10), Tensor.of(even, labels.length, 1));
        }
    }
}
