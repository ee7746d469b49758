package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.backend.Memory;
import java.nio.IntBuffer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Pinned staging on the host executor, with buffers of 3 values: transfers of any length pass in
 * pieces through the same four buffers, so what is pinned never grows with the largest transfer.
 */
class PinnedStagingTest {

    @Test
    void transfersLongerThanABufferGoInPiecesThroughFixedBuffers() {
        try (CudaBackend backend = CudaBackend.hostExecutor(false);
             PinnedStaging staging = new PinnedStaging(backend, 3)) {
            Memory memory = backend.allocate(40);
            float[] values = new float[40];
            for (int i = 0; i < values.length; i++) {
                values[i] = i * 0.5f;
            }
            CudaMemory device = (CudaMemory) memory;
            staging.upload(values, 2, device.at(1), 37);    // 13 pieces, the last of one value
            float[] back = new float[39];
            staging.download(device.at(0), back, 1, 38);
            for (int i = 0; i < 37; i++) {
                assertEquals(values[2 + i], back[2 + i], "value " + i);
            }
            assertEquals(0f, back[1], "value 0 was not written");
            assertEquals(4L * 3 * Float.BYTES, staging.pinnedBytes(), "four buffers of three values, whatever was moved");

            int[] rows = IntStream.range(0, 10).map(i -> (1 << 24) + i).toArray();
            staging.uploadInts(rows, 0, device.at(0), 10);
            int[] rowsBack = new int[10];
            IntBuffer view = PinnedStaging.bytes(device.at(0), 10L * Integer.BYTES).asIntBuffer();
            view.get(0, rowsBack, 0, 10);
            assertArrayEquals(rows, rowsBack, "int32 values pass bit for bit");
            assertEquals(4L * 3 * Float.BYTES, staging.pinnedBytes());
        }
    }

    @Test
    void theBackendsTransfersLargerThanItsBuffersArriveWhole() {
        try (CudaBackend backend = CudaBackend.hostExecutor(false)) {
            int count = 5 * PinnedStaging.BUFFER_VALUES + 5; // more pieces than buffers: each is reused
            Memory memory = backend.allocate(count);
            float[] values = new float[count];
            for (int i = 0; i < count; i++) {
                values[i] = i;
            }
            backend.upload(values, 0, memory, 0, count);
            float[] back = new float[count];
            backend.download(memory, 0, back, 0, count);
            assertArrayEquals(values, back);
        }
    }
}
