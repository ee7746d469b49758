package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.cpu.CpuBackend;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.concurrent.atomic.AtomicBoolean;

/** Where a model runs: {@link #cpu()}, {@link #reference()}, or {@link #auto()} to let the runtime choose. */
public final class Device {
    private static final System.Logger LOG = System.getLogger("dev.annonet.runtime");
    private static final Device CPU = new Device(true, "cpu");
    private static final Device REFERENCE = new Device(false, "reference");
    private static final AtomicBoolean AUTO_REPORTED = new AtomicBoolean();

    private final boolean fast;
    private final String name;

    private Device(boolean fast, String name) {
        this.fast = fast;
        this.name = name;
    }

    /** The fast CPU backend (float32, OpenBLAS). Fails when OpenBLAS cannot load on this platform. */
    public static Device cpu() {
        String problem = CpuProbe.PROBLEM;
        if (problem != null) {
            throw new IllegalStateException("the CPU backend cannot start: " + problem
                    + "; Device.reference() runs without OpenBLAS, slowly");
        }
        return CPU;
    }

    /** The reference backend: plain loops in double precision, the oracle for tests. Slow. */
    public static Device reference() {
        return REFERENCE;
    }

    /**
     * The best device here. This build has no CUDA backend, so: the CPU backend, or the reference
     * backend when OpenBLAS cannot load. The choice and its reason are logged once per process.
     */
    public static Device auto() {
        String problem = CpuProbe.PROBLEM;
        Device chosen = problem == null ? CPU : REFERENCE;
        if (AUTO_REPORTED.compareAndSet(false, true)) {
            LOG.log(problem == null ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
                    "Device.auto() chose " + chosen + ": no CUDA backend in this build"
                            + (problem == null ? "" : ", and the CPU backend cannot start: " + problem));
        }
        return chosen;
    }

    /** A new backend for one model, which closes it with the model. */
    Backend newBackend() {
        return fast ? new CpuBackend() : new ReferenceBackend();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Starts a CPU backend once, on first use: {@code PROBLEM} says why it cannot start, or is null. */
    private static final class CpuProbe {
        static final String PROBLEM = probe();

        private static String probe() {
            try {
                new CpuBackend().close();
                return null;
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }
    }
}
