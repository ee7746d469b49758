package dev.annonet.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    void reportsTheArchitecturesOfTheParentPomsGencodeList() throws IOException {
        String pom = Files.readString(Path.of("../pom.xml"));
        Matcher gencode = Pattern.compile("-gencode=arch=compute_(\\d+),code=sm_\\d+").matcher(pom);
        List<String> listed = new ArrayList<>();
        while (gencode.find()) {
            listed.add(gencode.group(1) + "0");
        }
        assertTrue(listed.contains("750"), "sm_75 (T4) ships: " + listed);
        assertEquals(CudaLibrary.compiledWithCuda() ? String.join(",", listed) : "", CudaLibrary.cudaArchitectures());
        Matcher ptx = Pattern.compile("-gencode=arch=compute_(\\d+),code=compute_\\d+").matcher(pom);
        List<String> ptxListed = new ArrayList<>();
        while (ptx.find()) {
            ptxListed.add(ptx.group(1) + "0");
        }
        assertEquals(List.of(listed.get(listed.size() - 1)), ptxListed, "CudaTargets reads PTX for the newest architecture alone");
    }

    @Test
    void describesItsContextLayout() {
        String layout = CudaLibrary.contextLayout();
        assertTrue(layout.startsWith("annonet context abi ") && layout.contains(CudaLibrary.compiledWithCuda() ? "cuda" : "host"),
                layout);
        assertEquals(layout, NetworkKernels.generic().contextLayout());
    }

    @Test
    void namesCublasStatusesAndSaysWhyCublasDoesNotLoad() {
        assertEquals("CUBLAS_STATUS_EXECUTION_FAILED", CudaLibrary.blasStatusName(13));
        assertEquals("CUBLAS_STATUS_NOT_SUPPORTED", CudaLibrary.blasStatusName(15));
        assertEquals("an unknown cuBLAS status", CudaLibrary.blasStatusName(99));
        String problem = CudaLibrary.blasLoadProblem();
        // Where cuBLAS is not installed (this build machine), dlopen's own words come with the advice.
        assertTrue(problem.isEmpty() || problem.contains("LD_LIBRARY_PATH") && problem.contains("dlopen: libcublas.so.13"),
                problem);
    }

    @Test
    void theHostExecutorsContextHasNoDeviceOnAnyThread() throws Exception {
        long context = CudaLibrary.contextCreate(-1, false);
        try {
            int[] seen = {0};
            Thread other = new Thread(() -> seen[0] = CudaLibrary.contextDevice(context));
            other.start();
            other.join();
            assertEquals(-1, seen[0]);
            assertEquals(-1, CudaLibrary.contextDevice(context));
        } finally {
            CudaLibrary.contextDestroy(context);
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

    @Test
    void copiesOnEitherStreamAndRefusesAnUnknownOne() {
        long context = CudaLibrary.contextCreate(-1, false);
        try {
            long x = CudaLibrary.memoryAllocate(context, 4 * Float.BYTES);
            long y = CudaLibrary.memoryAllocate(context, 4 * Float.BYTES);
            assertEquals(0, CudaLibrary.fill(context, 4, x, 1.5f));
            long event = CudaLibrary.eventCreate(context);
            assertEquals(0, CudaLibrary.copyAsyncOn(context, CudaLibrary.COPY_STREAM, y, x, 4 * Float.BYTES,
                    CudaLibrary.DEVICE_TO_DEVICE));
            assertEquals(0, CudaLibrary.eventRecordOn(context, CudaLibrary.COPY_STREAM, event));
            assertEquals(0, CudaLibrary.streamWaitEvent(context, CudaLibrary.COMPUTE_STREAM, event));
            assertEquals(0, CudaLibrary.streamSynchronize(context, CudaLibrary.COPY_STREAM));
            FloatPointer view = new FloatPointer(new Pointer() { { address = y; } }).capacity(4);
            assertEquals(1.5f, view.get(3));
            assertEquals(-3, CudaLibrary.streamWaitEvent(context, 2, event));
            assertEquals("stream_wait_event: no such stream (0: compute, 1: copy)", CudaLibrary.lastError());
            CudaLibrary.eventDestroy(context, event);
            CudaLibrary.memoryFree(context, x);
            CudaLibrary.memoryFree(context, y);
        } finally {
            CudaLibrary.contextDestroy(context);
        }
    }
}
