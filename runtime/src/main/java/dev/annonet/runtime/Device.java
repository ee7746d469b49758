package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.concurrent.atomic.AtomicBoolean;

/** Where a model runs: {@link #cpu()}, {@link #reference()}, or {@link #auto()} to let the runtime choose. */
public final class Device {
    private static final System.Logger LOG = System.getLogger("dev.annonet.runtime");
    private static final Device REFERENCE = new Device("reference");
    private static final AtomicBoolean AUTO_REPORTED = new AtomicBoolean();

    private final String name;

    private Device(String name) {
        this.name = name;
    }

    /** The fast CPU backend (float32, OpenBLAS). */
    public static Device cpu() {
        throw new IllegalStateException("the CPU backend is not in this build yet; Device.reference() runs, slowly");
    }

    /** The reference backend: plain loops in double precision, the oracle for tests. Slow. */
    public static Device reference() {
        return REFERENCE;
    }

    /** The best device here, with the choice and its reason logged once per process. */
    public static Device auto() {
        if (AUTO_REPORTED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "Device.auto() chose reference: no CUDA or CPU backend in this build");
        }
        return REFERENCE;
    }

    /** A new backend for one model, which closes it with the model. */
    Backend newBackend() {
        return new ReferenceBackend();
    }

    @Override
    public String toString() {
        return name;
    }
}
