package dev.annonet.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.BackendPair;
import dev.annonet.runtime.backend.BackendPair.Twin;
import java.time.Duration;
import org.bytedeco.openblas.global.openblas;
import org.junit.jupiter.api.Test;

/** OpenBLAS running its parallel work on annonet's thread pool (OpenBlas.sharesThreads). */
class SharedThreadsTest {

    @Test
    void openBlasSharesAnnonetsThreadsOnLinuxX8664() {
        new CpuBackend().close();
        if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertTrue(OpenBlas.sharesThreads(), "the CPU kernels are built for this platform and OpenBLAS 0.3.31 has the callback");
        }
    }

    /**
     * OpenBLAS's GEMM threads wait on one another, so every job it hands over needs a thread at
     * once: with its thread count raised past the pool's, the extra jobs get threads of their own
     * instead of deadlocking behind the pool's.
     */
    @Test
    void moreOpenBlasJobsThanPooledThreadsStillFinish() {
        try (BackendPair pair = new BackendPair(new CpuBackend(), 99)) {
            int before = openblas.blas_get_num_threads();
            openblas.blas_set_num_threads(Runtime.getRuntime().availableProcessors() + 2);
            try {
                int size = 256;
                Twin a = pair.uniformTwin(size * size, -1, 1);
                Twin b = pair.uniformTwin(size * size, -1, 1);
                Twin c = pair.uniformTwin(size * size, -1, 1);
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> pair.onBoth((backend, side) ->
                        backend.matmul(false, false, size, size, size, side.apply(a), 0, side.apply(b), 0, side.apply(c), 0, false)));
                pair.assertMatches(c, "256³ with more OpenBLAS threads than pooled ones");
            } finally {
                openblas.blas_set_num_threads(before);
            }
        }
    }
}
