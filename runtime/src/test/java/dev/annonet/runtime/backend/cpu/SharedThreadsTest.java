package dev.annonet.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.BackendPair;
import dev.annonet.runtime.backend.BackendPair.Twin;
import dev.annonet.runtime.backend.Memory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

    /**
     * Forked backends on several threads at once call OpenBLAS (threaded sgemm, sgemv) and
     * annonet's kernels on the shared pool (sparse products, bias and activation) together: the
     * pool takes one job at a time and OpenBLAS's threaded products wait for one another, so every
     * thread gets exactly the results of one thread alone. Half the threads run annonet's kernels
     * on themselves alone (onCallingThread), as predictors do, beside the others on the pool.
     */
    @Test
    void forkedBackendsOnSeveralThreadsGetTheResultsOfOneThread() throws Exception {
        int rows = 64;
        int inputs = 784;
        int units = 256;
        try (CpuBackend lender = new CpuBackend()) {
            Random random = new Random(5);
            float[] x = new float[rows * inputs];
            for (int i = 0; i < x.length; i++) {
                x[i] = random.nextDouble() < 0.2 ? random.nextFloat() : 0; // sparse: the pool's sparse product
            }
            float[] w = new float[inputs * units];
            for (int i = 0; i < w.length; i++) {
                w[i] = random.nextFloat() - 0.5f;
            }
            Memory weights = lender.allocate(w.length);
            lender.upload(w, 0, weights, 0, w.length);
            float[] expected = products(lender, weights, x, rows, inputs, units);
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    boolean alone = t % 2 == 0;
                    results.add(threads.submit(() -> {
                        try (Backend fork = lender.fork()) {
                            Memory borrowed = fork.borrow(weights);
                            float[] last = null;
                            for (int round = 0; round < 20; round++) {
                                last = alone ? fork.onCallingThread(() -> products(fork, borrowed, x, rows, inputs, units))
                                        : products(fork, borrowed, x, rows, inputs, units);
                                assertArrayEquals(expected, last);
                            }
                            return last;
                        }
                    }));
                }
                for (Future<float[]> result : results) {
                    assertArrayEquals(expected, result.get(60, TimeUnit.SECONDS));
                }
            } finally {
                threads.shutdown(); // the lender's memory must outlive every thread reading it
                assertTrue(threads.awaitTermination(60, TimeUnit.SECONDS));
            }
        }
    }

    /** h = relu(x · w) (a sparse product), hᵀ · h (threaded sgemm), h's first row times that (sgemv). */
    private static float[] products(Backend backend, Memory weights, float[] x, int rows, int inputs, int units) {
        Memory in = backend.allocate(rows * inputs);
        Memory hidden = backend.allocate(rows * units);
        Memory square = backend.allocate(units * units);
        Memory row = backend.allocate(units);
        backend.upload(x, 0, in, 0, x.length);
        backend.matmul(false, false, rows, units, inputs, in, 0, weights, 0, hidden, 0, false);
        backend.biasActivation(ActivationFunction.of(Activation.Kind.RELU), rows, units, hidden, 0, null, 0, hidden, 0);
        backend.matmul(true, false, units, units, rows, hidden, 0, hidden, 0, square, 0, false);
        backend.matmul(false, false, 1, units, units, hidden, 0, square, 0, row, 0, false);
        float[] out = new float[rows * units + units * units + units];
        backend.download(hidden, 0, out, 0, rows * units);
        backend.download(square, 0, out, rows * units, units * units);
        backend.download(row, 0, out, rows * units + units * units, units);
        for (Memory memory : List.of(in, hidden, square, row)) {
            backend.release(memory);
        }
        return out;
    }
}
