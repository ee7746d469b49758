package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.DeviceReduction;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.distributed.Communicator;
import dev.annonet.runtime.distributed.DeviceCommunicator;
import dev.annonet.runtime.distributed.InProcessGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend's in-place sums on the host executor: two ranks' memories summed by the
 * in-process group through their addresses, as NCCL sums a GPU's; a communicator of another
 * device's memory gets no reduction, and a wrong range is named.
 */
class CommunicationStreamTest {

    @Test
    void twoHostExecutorRanksSumTheirMemoryInPlace() throws Exception {
        List<Communicator> group = InProcessGroup.create(2);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<float[]>> ranks = new ArrayList<>();
            for (Communicator communicator : group) {
                ranks.add(threads.submit(() -> {
                    int rank = communicator.rank();
                    try (CudaBackend backend = CudaBackend.hostExecutor(true);
                         DeviceReduction reduction = backend.deviceReduction((DeviceCommunicator) communicator)) {
                        assertNotNull(reduction, "the in-process group sums the host executor's memory");
                        Memory memory = backend.allocate(6);
                        backend.upload(new float[] {1 + rank, 2, 3, 4 * rank, 5, -1}, 0, memory, 0, 6);
                        reduction.sum(memory, 1, 3);
                        reduction.join();
                        float[] summed = new float[6];
                        backend.download(memory, 0, summed, 0, 6);
                        return summed;
                    }
                }));
            }
            assertArrayEquals(new float[] {1, 4, 6, 4, 5, -1}, ranks.get(0).get(60, TimeUnit.SECONDS), "rank 0");
            assertArrayEquals(new float[] {2, 4, 6, 4, 5, -1}, ranks.get(1).get(60, TimeUnit.SECONDS),
                    "rank 1: only values 1 to 3 are summed");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aCommunicatorOfAnotherDevicesMemoryGetsNoReduction() {
        DeviceCommunicator onGpu = new DeviceCommunicator() {
            @Override
            public int device() {
                return 0;
            }

            @Override
            public void allReduceSumOnStream(long address, long count, boolean doubles, long stream) {
                throw new AssertionError("host memory must not be handed to a GPU's communicator");
            }

            @Override
            public int rank() {
                return 0;
            }

            @Override
            public int worldSize() {
                return 1;
            }

            @Override
            public void allReduceSum(float[] values, int offset, int length) {
                throw new AssertionError("not used");
            }

            @Override
            public void allReduceSum(double[] values, int offset, int length) {
                throw new AssertionError("not used");
            }

            @Override
            public void close() {
            }
        };
        try (CudaBackend backend = CudaBackend.hostExecutor(true)) {
            assertNull(backend.deviceReduction(onGpu));
        }
    }

    @Test
    void aRangeOutsideTheMemoryAndResultsOutsideARecordingAreRefused() {
        try (CudaBackend backend = CudaBackend.hostExecutor(true);
             DeviceReduction reduction = backend.deviceReduction((DeviceCommunicator) InProcessGroup.create(1).get(0))) {
            Memory memory = backend.allocate(4);
            Exception outside = assertThrows(IndexOutOfBoundsException.class, () -> reduction.sum(memory, 2, 3));
            assertTrue(outside.getMessage().contains("sum over the ranks"), outside.getMessage());
            Exception eager = assertThrows(IllegalStateException.class, () -> reduction.sumResults(1));
            assertTrue(eager.getMessage().contains("only while it records"), eager.getMessage());
        }
    }
}
