package dev.annonet.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Without cuDNN (this project's build machines): the binding loads, and each way of not finding
 * cuDNN 9 is told apart, naming the library, where it was looked for and how to install it.
 */
class CudnnLibraryTest {
    @Test
    void aMachineWithoutCudnnIsToldWhatIsMissingAndWhereItWasLookedFor() {
        String problem = CudnnLibrary.loadProblem();
        Assumptions.assumeFalse(problem.isEmpty(), "cuDNN is installed here; the GPU check uses it");
        assertTrue(problem.contains("libcudnn.so.9") && problem.contains("LD_LIBRARY_PATH")
                && problem.contains("nvidia-cudnn") && problem.contains("-Dannonet.cudnn.library"), problem);
        assertEquals(0, CudnnLibrary.version());
        assertEquals(0, CudnnLibrary.cudartVersion());
    }

    @Test
    void eachCandidateThatDidNotOpenIsQuotedInDlopensWords() {
        String problem = CudnnLibrary.load("/nonexistent/libcudnn.so.9\nlibcudnn-absent.so.9");
        assertTrue(problem.startsWith("cuDNN (libcudnn.so.9) was not found"), problem);
        assertTrue(problem.contains("/nonexistent/libcudnn.so.9: cannot open shared object file")
                && problem.contains("; libcudnn-absent.so.9: cannot open shared object file"), problem);
        assertTrue(CudnnLibrary.load("").contains("(dlopen: no candidates)"), CudnnLibrary.load(""));
    }

    @Test
    void aNamedFileThatDoesNotExistIsQuotedInTheNotFoundMessage() {
        Assumptions.assumeFalse(CudnnLibrary.loadProblem().isEmpty(), "cuDNN is installed here; the GPU check uses it");
        String previous = System.setProperty("annonet.cudnn.library", "/nonexistent");
        try {
            String problem = CudnnLibrary.loadProblem();
            assertTrue(problem.startsWith("cuDNN (libcudnn.so.9) was not found")
                    && problem.contains("(dlopen: /nonexistent: cannot open shared object file"), problem);
        } finally {
            restore(previous);
        }
    }

    @Test
    void aLibraryThatIsNotCudnnIsNamedByTheEntryPointItLacks() {
        String problem = CudnnLibrary.load("libm.so.6");
        assertTrue(problem.startsWith("the library opened as cuDNN lacks an entry point annonet needs: cudnnGetVersion is missing"),
                problem);
        assertEquals(0, CudnnLibrary.version());
    }

    @Test
    void theLibraryPathIsLookedAtFirstThenTheToolkitThenTheWheels() {
        List<String> candidates = CudnnLibrary.candidates();
        assertEquals(List.of("libcudnn.so.9", "/usr/local/cuda/lib64/libcudnn.so.9"), candidates.subList(0, 2));
        assertTrue(candidates.stream().skip(2).allMatch(c -> c.endsWith("/nvidia/cudnn/lib/libcudnn.so.9")), candidates.toString());
    }

    @Test
    void aNamedFileIsTriedFirst() {
        String previous = System.setProperty("annonet.cudnn.library", "/opt/cudnn/libcudnn.so.9");
        try {
            assertEquals(List.of("/opt/cudnn/libcudnn.so.9", "libcudnn.so.9"), CudnnLibrary.candidates().subList(0, 2));
        } finally {
            restore(previous);
        }
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty("annonet.cudnn.library");
        } else {
            System.setProperty("annonet.cudnn.library", previous);
        }
    }
}
