package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.FreeMemory;
import java.util.Locale;

/**
 * The memory a call needs is not there (Keras's {@code ResourceExhaustedError}): thrown before
 * anything is allocated, with how much was asked for what, what is free, and what would fit
 * (e.g. {@code "VGG16 at batch 64 needs 31.2 GB of activations for training; 24.0 GB are free
 * (the host's available memory); batch 48 fits"}).
 */
public final class ResourceExhaustedException extends IllegalStateException {

    public ResourceExhaustedException(String message) {
        super(message);
    }

    /**
     * Fails unless {@code values} values for {@code what}, in buffers of at most {@code largestBuffer}
     * values, fit in the backend's free memory and its buffers.
     */
    static void requireRoom(Backend backend, long values, int largestBuffer, String what) {
        if (largestBuffer > backend.maxValues()) {
            throw new ResourceExhaustedException(String.format(Locale.ROOT, "%s need a buffer of %,d values; one buffer of"
                    + " the %s backend holds %,d at most", what, largestBuffer, backend.name(), backend.maxValues()));
        }
        long needed = values * backend.bytesPerValue();
        FreeMemory free = backend.freeMemory();
        if (needed > free.bytes()) {
            throw new ResourceExhaustedException(what + " need " + bytes(needed) + "; " + bytes(free.bytes()) + " are free ("
                    + free.bound() + ")");
        }
    }

    /** {@code bytes} in decimal units with one decimal: {@code "31.2 GB"}, {@code "512 B"}. */
    static String bytes(long bytes) {
        String[] units = {"KB", "MB", "GB", "TB"};
        if (bytes < 1000) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
