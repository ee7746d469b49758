package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.runtime.backend.Memory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every native entry point makes its context's GPU current on the calling thread: a backend
 * created on one thread works from another, and backends on two GPUs, used in turn from one
 * thread, each run on their own. Tagged gpu; the two-GPU case needs two.
 */
@Tag("gpu")
class GpuDeviceGuardTest {

    @Test
    void aBackendWorksFromAThreadOtherThanItsCreators() throws Exception {
        try (CudaBackend backend = CudaBackend.onDevice(0, false, false)) {
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                Future<float[]> result = other.submit(() -> roundTrip(backend));
                assertArrayEquals(new float[] {1f, 2f, 3f, 7f}, result.get());
                assertEquals(0, (int) other.submit(() -> CudaLibrary.contextDevice(backend.context())).get());
            } finally {
                other.shutdown();
            }
        }
    }

    @Test
    void backendsOnTwoGpusUsedInTurnFromFreshThreadsEachRunOnTheirOwn() throws Exception {
        assumeTrue(CudaLibrary.deviceCount() >= 2, "needs two GPUs");
        try (CudaBackend first = CudaBackend.onDevice(0, false, false);
             CudaBackend second = CudaBackend.onDevice(1, false, false)) {
            ExecutorService other = Executors.newSingleThreadExecutor(); // its current device is GPU 0
            try {
                for (int turn = 0; turn < 3; turn++) {
                    assertArrayEquals(new float[] {1f, 2f, 3f, 7f}, other.submit(() -> roundTrip(second)).get());
                    assertEquals(1, (int) other.submit(() -> CudaLibrary.contextDevice(second.context())).get());
                    assertArrayEquals(new float[] {1f, 2f, 3f, 7f}, other.submit(() -> roundTrip(first)).get());
                    assertEquals(0, (int) other.submit(() -> CudaLibrary.contextDevice(first.context())).get());
                }
            } finally {
                other.shutdown();
            }
        }
    }

    /** Allocates, uploads, runs a GEMM (x · I) and a kernel (a fill), downloads: (1, 2, 3, 7). */
    private static float[] roundTrip(CudaBackend backend) {
        Memory x = backend.allocate(3);
        Memory identity = backend.allocate(9);
        Memory y = backend.allocate(4);
        backend.upload(new float[] {1, 2, 3}, 0, x, 0, 3);
        backend.upload(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 0, identity, 0, 9);
        backend.matmul(false, false, 1, 3, 3, x, 0, identity, 0, y, 0, false);
        backend.fill(y, 3, 1, 7f);
        float[] out = new float[4];
        backend.download(y, 0, out, 0, 4);
        backend.release(x);
        backend.release(identity);
        backend.release(y);
        return out;
    }
}
