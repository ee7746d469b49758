package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.cudnn.CudnnLibrary;
import dev.annonet.runtime.LoggedMessages;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Without cuDNN (this project's build machines) the CUDA backend says why once, and keeps its own kernels. */
class CudnnSupportTest {
    @Test
    void theReasonCudnnIsNotUsedIsLoggedOnceAndReturnedEachTime() {
        Assumptions.assumeFalse(CudnnLibrary.loadProblem().isEmpty(), "cuDNN is installed here; the GPU check uses it");
        try (LoggedMessages logged = LoggedMessages.where(record -> record.getMessage().startsWith("cuDNN"))) {
            boolean reportedBefore = CudaSupport.CUDNN_FALLBACK_REPORTED.get();
            String first = CudaSupport.cudnnProblem();
            assertTrue(first.contains("libcudnn.so.9"), first);
            assertEquals(first, CudaSupport.cudnnProblem());
            assertEquals(first, CudaSupport.describeCudnn());
            assertEquals(reportedBefore ? List.of() : List.of("cuDNN is not used, so annonet's own kernels run: " + first), logged.messages());
        }
    }

    @Test
    void aNamedLibraryThatIsNotThereIsNamedInTheReason() {
        Assumptions.assumeFalse(CudnnLibrary.loadProblem().isEmpty(), "cuDNN is installed here; the GPU check uses it");
        String previous = System.setProperty("annonet.cudnn.library", "/nonexistent");
        try {
            String problem = CudaSupport.cudnnProblem();
            assertTrue(problem.startsWith("cuDNN (libcudnn.so.9) was not found")
                    && problem.contains("/nonexistent: cannot open shared object file"), problem);
        } finally {
            if (previous == null) {
                System.clearProperty("annonet.cudnn.library");
            } else {
                System.setProperty("annonet.cudnn.library", previous);
            }
        }
    }
}
