package dev.annonet.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.backend.Precision;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * MixedPrecisionMnistTest on a GPU, over all 8,000 embedded training digits: bfloat16 and half
 * tensor-core GEMMs (with loss scaling) within 0.3 percentage points of float32. Tagged gpu;
 * scripts/gpu-check.sh also prints the sample's 20-epoch accuracies under each policy.
 */
@Tag("gpu")
class GpuMixedPrecisionMnistTest {

    @Test
    void mixedPrecisionAccuracyIsWithinAThirdOfAPointOfFloat32() {
        Map<Precision, Double> accuracies = MixedPrecisionMnistTest.accuracies(Device.cuda(0),
                new MixedPrecisionMnistTest.EmbeddedSubset(8000));
        for (Precision precision : Precision.values()) {
            assertEquals(accuracies.get(Precision.FLOAT32), accuracies.get(precision), 0.003, accuracies.toString());
        }
    }
}
