package dev.annonet.runtime.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Files replaced whole: a crash leaves the old file or the new one, never half of one. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** What goes into the file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code content} to a temporary file next to {@code file} (creating the directory),
     * syncs it and renames it over {@code file}. A failure names the file and leaves no temporary
     * file behind.
     */
    public static void write(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        try {
            Path directory = target.getParent();
            Files.createDirectories(directory);
            // Not Files.createTempFile, whose owner-only permissions the file would keep once renamed.
            Path temporary = directory.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE), 1 << 16)) {
                    content.writeTo(out);
                }
                try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
                try {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
