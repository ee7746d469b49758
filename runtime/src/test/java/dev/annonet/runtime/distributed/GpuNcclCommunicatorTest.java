package dev.annonet.runtime.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On a GPU with NCCL (the GPU check puts PyTorch's nvidia-nccl wheel on the library path): a
 * world-size-1 communicator forms on GPU 0 and its all-reduce, staged through the GPU, returns the
 * values it was given.
 */
@Tag("gpu")
class GpuNcclCommunicatorTest {

    @Test
    void aCommunicatorOfOneRankSumsToItsOwnValues() {
        assertEquals("", NcclCommunicator.loadProblem());
        try (NcclCommunicator alone = NcclCommunicator.join(NcclCommunicator.uniqueId(), 0, 1, 0, Duration.ofSeconds(60))) {
            float[] floats = {1.5f, -2f, 3.25f, 0f, 7f};
            alone.allReduceSum(floats, 1, 3);
            assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f, 7f}, floats);
            double[] doubles = new double[100_003];
            for (int i = 0; i < doubles.length; i++) {
                doubles[i] = i * 0.5;
            }
            double[] expected = doubles.clone();
            alone.allReduceSum(doubles, 0, doubles.length);
            assertArrayEquals(expected, doubles);
        }
    }
}
