package dev.annonet.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.backend.Precision;
import dev.annonet.runtime.data.Mnist;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The course's MNIST MLP under the mixed-precision policies on the host executor, which rounds
 * its GEMM operands as a GPU's tensor cores do: the held-out accuracy within 0.3 percentage points
 * of float32's, same data and seed.
 */
class MixedPrecisionMnistTest {
    static final int TRAINING_DIGITS = 4096;

    @Test
    void mixedPrecisionAccuracyIsWithinAThirdOfAPointOfFloat32() {
        Map<Precision, Double> accuracies = accuracies(Device.cudaHostExecutor(), new EmbeddedSubset(TRAINING_DIGITS));
        for (Precision precision : Precision.values()) {
            assertEquals(accuracies.get(Precision.FLOAT32), accuracies.get(precision), 0.003, accuracies.toString());
        }
    }

    /** The first {@code count} embedded training digits, and all 2,000 held-out ones. */
    record EmbeddedSubset(Tensor x, Tensor y, Tensor testX, Tensor testY) {
        EmbeddedSubset(int count) {
            this(EmbeddedMnist.load(), count);
        }

        private EmbeddedSubset(Mnist mnist, int count) {
            this(Tensor.of(Arrays.copyOf(mnist.trainImages().toArray(), count * 784), count, 784),
                    Labels.oneHot(Arrays.copyOf(mnist.trainLabels(), count), 10),
                    mnist.testImages(), Labels.oneHot(mnist.testLabels(), 10));
        }
    }

    /** The held-out accuracy after one epoch at batch 64 (RMSprop, as the sample), under each policy on {@code device}. */
    static Map<Precision, Double> accuracies(Device device, EmbeddedSubset data) {
        Map<Precision, Double> accuracies = new EnumMap<>(Precision.class);
        for (Precision precision : Precision.values()) {
            long start = System.nanoTime();
            try (MnistMlpModel model = MnistMlpModel.create(device.withPrecision(precision), 42)) {
                model.compile(Optimizers.rmsprop(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
                model.fit(data.x(), data.y(), Fit.options().batchSize(64).epochs(1).verbose(0));
                accuracies.put(precision, model.evaluate(data.testX(), data.testY()).get("accuracy"));
            }
            System.out.printf("%s on %s: held-out accuracy %.4f (%.1f s)%n", precision, device, accuracies.get(precision),
                    (System.nanoTime() - start) / 1e9);
        }
        return accuracies;
    }
}
