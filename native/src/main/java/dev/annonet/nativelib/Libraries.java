package dev.annonet.nativelib;

import org.bytedeco.javacpp.Loader;

/** Loading annonet's JavaCPP libraries without throwing: a binding keeps the reason and reports it when asked. */
public final class Libraries {
    private Libraries() {
    }

    /** Loads the native library of {@code binding}: null when loaded, else why {@code what} did not load. */
    public static String load(Class<?> binding, String what) {
        try {
            Loader.load(binding);
            return null;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return what + " did not load on " + Loader.getPlatform() + ": " + e.getMessage();
        }
    }
}
