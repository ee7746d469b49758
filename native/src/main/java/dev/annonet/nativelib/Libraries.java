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

    /**
     * As {@link #load(Class, String)}, then calls one of the binding's native methods: a library
     * that several bindings share loads even for a binding whose build left it out, and only a
     * call finds its functions missing.
     */
    public static String load(Class<?> binding, String what, Runnable nativeCall) {
        String problem = load(binding, what);
        if (problem != null) {
            return problem;
        }
        try {
            nativeCall.run();
            return null;
        } catch (UnsatisfiedLinkError e) {
            return what + " are not in the library that " + binding.getSimpleName() + " names (" + e.getMessage()
                    + "): the build that made it did not list " + binding.getName();
        }
    }
}
