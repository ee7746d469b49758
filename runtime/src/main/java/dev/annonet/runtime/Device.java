package dev.annonet.runtime;

/** Where a model runs. CONTRACT SKELETON. */
public final class Device {
    public static Device cpu() {
        throw new UnsupportedOperationException("skeleton");
    }

    public static Device reference() {
        throw new UnsupportedOperationException("skeleton");
    }

    public static Device auto() {
        throw new UnsupportedOperationException("skeleton");
    }
}
