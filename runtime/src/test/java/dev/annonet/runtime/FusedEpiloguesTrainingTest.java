package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.backend.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model trained on the CUDA host executor with its dense layers fused (the fused calls' host
 * path) and unfused: the same history and weights bit for bit, steps recorded (the fused calls
 * planned after the first step's recording) or run kernel by kernel, and under a mixed-precision
 * policy (whose operand rounding the fused calls' GEMMs apply alike).
 */
class FusedEpiloguesTrainingTest {

    @Test
    void fusedAndUnfusedDenseLayersTrainAlike() {
        for (Device device : List.of(Device.cudaHostExecutor(), Device.cudaHostExecutor().withoutStepGraphs(),
                Device.cudaHostExecutor().withPrecision(Precision.MIXED_BFLOAT16))) {
            int samples = 40;
            Tensor x = TestData.uniform(samples, 12, 3);
            Tensor y = Labels.oneHot(TestData.labels(samples, 4, 4), 4);
            try (HandScheduledMlp fused = HandScheduledMlp.create(device, 7, 12, 16, 4, 0.3);
                 HandScheduledMlp unfused = HandScheduledMlp.create(device.withoutFusedEpilogues(), 7, 12, 16, 4, 0.3)) {
                History expected = train(unfused, x, y);
                History actual = train(fused, x, y);
                assertEquals(expected.history(), actual.history(), device.toString());
                for (int i = 0; i < fused.weights().size(); i++) {
                    assertArrayEquals(unfused.weights().get(i).toArray(), fused.weights().get(i).toArray(),
                            device + ": " + fused.weights().get(i).name());
                }
                assertArrayEquals(unfused.predict(x).toArray(), fused.predict(x).toArray(), device + ": predictions");
            }
        }
    }

    private static History train(HandScheduledMlp model, Tensor x, Tensor y) {
        model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy(), Metrics.accuracy());
        return model.fit(x, y, Fit.options().batchSize(16).epochs(2).verbose(0));
    }
}
