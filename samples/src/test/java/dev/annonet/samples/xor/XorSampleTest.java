package dev.annonet.samples.xor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Tensor;
import org.junit.jupiter.api.Test;

class XorSampleTest {
    @Test
    void theHiddenNetworkLearnsXor() {
        try (XorNetworkModel model = XorSample.trainHiddenNetwork(XorSample.SEED)) {
            assertEquals(1.0, model.evaluate(Tensor.of(XorSample.INPUTS), Tensor.of(XorSample.TARGETS)).get("accuracy"));
            for (int p = 0; p < 4; p++) {
                float out = model.predict(XorSample.INPUTS[p])[0];
                assertEquals(XorSample.TARGETS[p][0], out >= 0.5f ? 1f : 0f, "pattern " + p + " gave " + out);
            }
        }
    }

    @Test
    void thePerceptronRuleNeverGetsAllFourPatterns() {
        for (long seed = 0; seed < 5; seed++) {
            int best = XorSample.bestPerceptronScore(XorSample.PERCEPTRON_EPOCHS, seed, false);
            assertTrue(best >= 2 && best <= 3, "seed " + seed + ": best " + best + "/4");
        }
    }
}
