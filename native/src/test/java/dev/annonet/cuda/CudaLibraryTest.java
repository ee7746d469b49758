package dev.annonet.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/** The library loads on any machine and answers "how many GPUs" without crashing, GPU or not. */
class CudaLibraryTest {

    @Test
    void loadsAndCountsDevicesOrSaysWhyNot() {
        assertNull(CudaLibrary.load());
        int count = CudaLibrary.deviceCount();
        if (count <= 0) {
            // No GPU (or no driver, or no nvcc): a reason, never a crash.
            assertTrue(CudaLibrary.lastError().length() > 0, "a reason for " + count);
        } else {
            assertTrue(CudaLibrary.deviceDescription(0).contains("sm_"), CudaLibrary.deviceDescription(0));
        }
    }

    @Test
    void nvccBuildIsReportedAsSuch() {
        boolean nvccOnPath = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(dir -> new java.io.File(dir, "nvcc").canExecute());
        if (nvccOnPath && !"false".equals(System.getProperty("annonet.cuda"))) {
            assertTrue(CudaLibrary.compiledWithCuda(), "nvcc is on the PATH, so the build must have used it");
        }
        if (!CudaLibrary.compiledWithCuda()) {
            assertEquals(-1000, CudaLibrary.deviceCount());
            assertEquals(0L, CudaLibrary.contextCreate(0, false));
            assertTrue(CudaLibrary.lastError().contains("without nvcc"), CudaLibrary.lastError());
        }
    }

    @Test
    void hostExecutorRunsKernelsOnHostMemory() {
        long context = CudaLibrary.contextCreate(-1, false);
        assertNotEquals(0L, context);
        try {
            long x = CudaLibrary.memoryAllocate(context, 8 * Float.BYTES);
            assertEquals(0, CudaLibrary.fill(context, 8, x, 2.5f));
            FloatPointer view = new FloatPointer(new Pointer() { { address = x; } }).capacity(8);
            assertEquals(2.5f, view.get(7));
            assertEquals(1, CudaLibrary.graphBegin(context), "the host executor cannot record graphs");
            CudaLibrary.memoryFree(context, x);
        } finally {
            CudaLibrary.contextDestroy(context);
        }
    }
}
