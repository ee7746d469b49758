package dev.annonet.samples.parity;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Evaluation;
import dev.annonet.samples.mnist.EmbeddedMnist;
import org.junit.jupiter.api.Test;

/**
 * Both heads learn from their inputs: five epochs on the embedded digits take the digit well above
 * chance on the held-out ones, and the parity of digit plus addend, which needs the addend input
 * too, well above the half a guess gets (when written: 0.94 and 0.87; the parity is an XOR of the
 * two inputs and needs about four epochs to start: three epochs on 3,000 digits left it at 0.55).
 */
class MnistDigitParitySampleTest {

    @Test
    void bothOutputsLearn() {
        Evaluation score = MnistDigitParitySample.train(EmbeddedMnist.load(), 8000, 5, 0);
        assertTrue(score.get("digit_accuracy") >= 0.90, "held-out digit accuracy " + score.get("digit_accuracy"));
        assertTrue(score.get("even_accuracy") >= 0.75, "held-out parity accuracy " + score.get("even_accuracy"));
    }
}
