package dev.annonet.runtime.backend.cpu;

import dev.annonet.cpu.CpuKernels;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

/**
 * Loads annonet's CPU kernels and OpenBLAS (JavaCPP presets) once per process, sizes OpenBLAS's
 * thread pool and, where it can, makes it annonet's.
 */
final class OpenBlas {
    private static boolean loaded;
    private static boolean sharesThreads;

    private OpenBlas() {
    }

    /**
     * Loads annonet's CPU kernels and OpenBLAS, or throws an exception naming the library that did
     * not load and this platform. OpenBLAS's thread pool is process-wide: it is set once to the
     * processors this JVM may use. OpenBLAS's own default counts the host's cores, which
     * oversubscribes a container or a CPU-limited process (each extra thread then only waits for a
     * core and slows every GEMM down); the JVM's count honours affinity and cgroup limits.
     */
    static synchronized void load() {
        if (loaded) {
            return;
        }
        String kernelsProblem = CpuKernels.load();
        if (kernelsProblem != null) {
            throw new IllegalStateException(kernelsProblem);
        }
        try {
            Loader.load(openblas.class);
            int processors = Runtime.getRuntime().availableProcessors();
            // Before OpenBLAS's first product: from then on its parallel work runs on annonet's pool.
            sharesThreads = CpuKernels.shareThreadsWithOpenBlas(processors);
            openblas.blas_set_num_threads(processors);
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException("cannot load the OpenBLAS native library (org.bytedeco:openblas with the "
                    + Loader.getPlatform() + " classifier) on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + ": " + e, e);
        }
        loaded = true;
    }

    /**
     * Whether OpenBLAS runs its parallel work on annonet's thread pool (an OpenBLAS with a threads
     * callback, 0.3.27 or later). Without it annonet's kernels run on the calling thread alone
     * (threads.h starts no pool then): beside OpenBLAS's own threads, which spin for about 0.1 s
     * after each of its products, threads of their own would oversubscribe the cores.
     */
    static synchronized boolean sharesThreads() {
        return sharesThreads;
    }
}
