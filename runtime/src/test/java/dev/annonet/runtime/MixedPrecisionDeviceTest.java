package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The precision policy as a device setting: a GPU's (and the host executor's, which models it),
 * refused elsewhere, and a model under each policy trains through the whole step, its replayed
 * form included (the host executor runs steps in recording mode), as it does in float32.
 */
class MixedPrecisionDeviceTest {

    @Test
    void thePolicyIsAGpuSetting() {
        assertEquals(Precision.FLOAT32, Device.cudaHostExecutor().precision());
        Device bfloat16 = Device.cudaHostExecutor().withPrecision(Precision.MIXED_BFLOAT16);
        assertEquals(Precision.MIXED_BFLOAT16, bfloat16.precision());
        assertEquals("cuda host executor (mixed_bfloat16) (no step graphs)", bfloat16.withoutStepGraphs().toString());
        for (Device device : List.of(Device.cpu(), Device.reference(), Device.auto())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> device.withPrecision(Precision.MIXED_FLOAT16));
            assertEquals("the precision policy is a GPU setting; " + device + " is not a GPU", e.getMessage());
        }
    }

    @Test
    void onlyAFloat16ModelHasALossScale() {
        for (Precision precision : Precision.values()) {
            try (HandScheduledMlp model = HandScheduledMlp.create(Device.cudaHostExecutor().withPrecision(precision), 1, 2, 8, 3, 0)) {
                assertEquals(precision == Precision.FLOAT32 ? "HandScheduledMlp on cuda host executor"
                        : "HandScheduledMlp on cuda host executor (" + precision + ")", model.toString());
                if (precision == Precision.MIXED_FLOAT16) {
                    assertEquals(32768.0, model.lossScale(), "PyTorch's GradScaler's initial scale");
                } else {
                    assertTrue(Double.isNaN(model.lossScale()), precision.toString());
                }
            }
        }
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 1, 2, 8, 3, 0)) {
            assertTrue(Double.isNaN(model.lossScale()));
        }
    }

    /** Three blobs: every policy learns them as float32 does, and float16's scale stays put on finite steps. */
    @Test
    void everyPolicyTrainsAsFloat32Does() {
        int[] labels = new int[150];
        Tensor x = TestData.threeBlobs(labels);
        Tensor y = Labels.oneHot(labels, 3);
        double[] losses = new double[Precision.values().length];
        for (Precision precision : Precision.values()) {
            try (HandScheduledMlp model = HandScheduledMlp.create(Device.cudaHostExecutor().withPrecision(precision), 5, 2, 16, 3, 0)) {
                model.compile(Optimizers.adam(0.01f), Losses.categoricalCrossentropy(), Metrics.accuracy());
                History history = model.fit(x, y, Fit.options().batchSize(16).epochs(20).verbose(0));
                losses[precision.ordinal()] = history.get("loss").get(19);
                assertTrue(history.get("accuracy").get(19) >= 0.95, precision + ": " + history);
                if (precision == Precision.MIXED_FLOAT16) {
                    assertEquals(32768.0, model.lossScale(), "200 finite steps: no overflow, no growth yet");
                }
            }
        }
        double float32 = losses[Precision.FLOAT32.ordinal()];
        for (Precision precision : Precision.values()) {
            assertEquals(float32, losses[precision.ordinal()], 0.02 * float32 + 1e-3, precision + "'s final loss against float32's");
            if (precision != Precision.FLOAT32) {
                assertNotEquals(float32, losses[precision.ordinal()], precision + " rounded nothing: the policy did not reach the GEMMs");
            }
        }
    }
}
