package dev.annonet.runtime.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileSystemException;

/**
 * Makes an I/O error name the file it is about. The JDK's errors often do not: a read of a
 * directory says "Is a directory", a full disk "No space left on device", a corrupt zip stream
 * "invalid stored block lengths", without a path.
 */
public final class FileErrors {
    private FileErrors() {
    }

    /**
     * {@code e} itself when its message already starts with {@code file}; otherwise an exception
     * of the same broad kind (end of file, or any I/O error) whose message is {@code file}, a
     * colon and what went wrong, with {@code e} as its cause.
     */
    public static IOException naming(Object file, IOException e) {
        String name = String.valueOf(file);
        String message = e.getMessage();
        if (message != null && message.startsWith(name)) {
            return e;
        }
        String named = name + ": " + reason(name, e);
        IOException wrapped = e instanceof EOFException ? new EOFException(named) : new IOException(named);
        wrapped.initCause(e);
        return wrapped;
    }

    private static String reason(String name, IOException e) {
        if (e instanceof FileSystemException f) {
            String what = f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
            return f.getFile() == null || f.getFile().equals(name) ? what : what + " (" + f.getFile() + ")";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
