package dev.annonet.samples.lstm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Evaluation;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.samples.mnist.EmbeddedMnist;
import dev.annonet.samples.mnist.MnistMlpSample;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The LSTM sample learns: a short run on a subset, so the test stays within seconds on two cores. */
class MnistLstmTrainingTest {
    private static final int SUBSET = 2000;

    /**
     * 2,000 training digits, batch 32, 2 epochs (126 steps), evaluated on the 2,000 held-out ones:
     * seed 42 reached 0.7485 here; the bar leaves room for float rounding and is far above chance (0.1).
     */
    private static final double SUBSET_BAR = 0.65;

    @Test
    void twoEpochsOnASubsetLearnTheDigits() {
        Mnist all = EmbeddedMnist.load();
        Mnist subset = new Mnist(
                Tensor.of(Arrays.copyOf(all.trainImages().toArray(), SUBSET * 784), SUBSET, 784),
                Arrays.copyOf(all.trainLabels(), SUBSET), all.testImages(), all.testLabels());
        Evaluation score = MnistLstmSample.train(subset, new MnistMlpSample.Options(null, 2, 32, Device.cpu(), 42, 0));
        assertTrue(score.get("accuracy") >= SUBSET_BAR, "held-out accuracy: " + score);
    }
}
