package dev.annonet.runtime.backend.cpu;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/** Loads OpenBLAS (JavaCPP presets) once per process and sizes its thread pool. */
final class OpenBlas {
    private static boolean loaded;

    private OpenBlas() {
    }

    /**
     * Loads the library, or throws an exception naming it and this platform. OpenBLAS's thread
     * pool is process-wide: it is set once to the processors this JVM may use. OpenBLAS's own
     * default counts the host's cores, which oversubscribes a container or a CPU-limited process
     * (each extra thread then only waits for a core and slows every GEMM down); the JVM's count
     * honours affinity and cgroup limits. On the 2-vCPU development machines both threads pay:
     * sgemm 1024³ ran at about 130 GFLOP/s with 2 threads against 72 with 1.
     */
    static synchronized void load() {
        if (loaded) {
            return;
        }
        try {
            Loader.load(openblas.class);
            openblas.blas_set_num_threads(Runtime.getRuntime().availableProcessors());
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException("cannot load the OpenBLAS native library (org.bytedeco:openblas with the "
                    + Loader.getPlatform() + " classifier) on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ": " + e, e);
        }
        loaded = true;
    }
}
