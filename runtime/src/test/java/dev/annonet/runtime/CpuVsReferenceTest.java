package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.Memory;
import org.junit.jupiter.api.Test;

/** The fast CPU backend computes what the float64 reference computes, through a whole training step. */
class CpuVsReferenceTest {
    private static final double TOLERANCE = 1e-4;

    @Test
    void oneTrainingStepMatchesTheReference() {
        Tensor x = TestData.uniform(24, 6, 1);
        Tensor y = Labels.oneHot(TestData.labels(24, 4, 1), 4);
        int[] order = new int[24];
        for (int i = 0; i < order.length; i++) {
            order[i] = (i * 5) % 24; // a shuffled order: 5 is coprime with 24
        }
        try (HandScheduledMlp cpu = HandScheduledMlp.create(Device.cpu(), 5, 6, 10, 4, 0.25);
             HandScheduledMlp reference = HandScheduledMlp.create(Device.reference(), 5, 6, 10, 4, 0.25)) {
            Tally cpuTally = step(cpu, x, y, order);
            Tally referenceTally = step(reference, x, y, order);
            assertClose("loss", new float[] {(float) referenceTally.value(0)}, new float[] {(float) cpuTally.value(0)});
            assertEquals(referenceTally.value(1), cpuTally.value(1), "accuracy");
            assertClose("gradients", download(reference, reference.gradients()), download(cpu, cpu.gradients()));
            assertClose("parameters", download(reference, reference.parameters()), download(cpu, cpu.parameters()));
            assertClose("predictions", reference.predict(x).toArray(), cpu.predict(x).toArray());
        }
    }

    private static Tally step(HandScheduledMlp model, Tensor x, Tensor y, int[] order) {
        model.compile(Optimizers.sgd(0.1f, 0.9f, true), Losses.categoricalCrossentropy(), Metrics.accuracy());
        Tally tally = model.trainer().newTally();
        model.arena().reserve(24, Arena.Use.TRAIN); // as fit does before its steps
        model.trainer().trainBatch(x, y, order, 0, 24, tally);
        return tally;
    }

    private static float[] download(Model model, Memory memory) {
        float[] values = new float[memory.size()];
        model.backend.download(memory, 0, values, 0, values.length);
        return values;
    }

    /** Norm-wise relative error: |actual - expected| / |expected|. */
    private static void assertClose(String what, float[] expected, float[] actual) {
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            difference += Math.pow(actual[i] - expected[i], 2);
            norm += Math.pow(expected[i], 2);
        }
        double relative = Math.sqrt(difference / norm);
        assertTrue(norm > 0 && relative < TOLERANCE, what + ": relative error " + relative);
    }
}
