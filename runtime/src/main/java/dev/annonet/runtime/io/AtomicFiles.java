package dev.annonet.runtime.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Files replaced whole: a crash leaves the old file or the new one, never half of one, and what
 * stands at the path is treated as a user's editor would treat it.
 */
public final class AtomicFiles {
    /** As Linux's limit on a path's symbolic links. */
    private static final int MAX_LINKS = 40;

    private AtomicFiles() {
    }

    /** What goes into the file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code content} to a temporary file next to the file it replaces (creating the
     * directory), syncs it and renames it over that file. An existing file keeps its permissions
     * (and its owner and group where this process may set them, as root); a new one gets the
     * permissions any new file gets (0666 less the umask). A symbolic link is followed, links after
     * links, and its final target replaced, so the link stays a link. A directory, a device, a FIFO
     * or a socket is never replaced: writing to one is an error naming it. A failure names
     * {@code file} and leaves no temporary file behind.
     */
    public static void write(Path file, Content content) throws IOException {
        Path target = regularFileBehind(file);
        Path directory = target.getParent();
        Path temporary = directory.resolve("." + target.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            Files.createDirectories(directory);
            PosixFileAttributes existing = posixAttributes(target);
            FileAttribute<?>[] permissions = existing == null
                    ? new FileAttribute<?>[0]
                    : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(existing.permissions())};
            Set<StandardOpenOption> createNew = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try (FileChannel channel = FileChannel.open(temporary, createNew, permissions)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            if (existing != null) {
                keepOwnership(temporary, existing);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw FileErrors.naming(file, e);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * The absolute path whose file {@code write} replaces: {@code file}, or the final target of the
     * symbolic links it names (which need not exist yet). Anything that exists there must be a
     * regular file.
     */
    private static Path regularFileBehind(Path file) throws IOException {
        Path path = file.toAbsolutePath();
        for (int links = 0; ; links++) {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return path;
            } catch (IOException e) {
                throw FileErrors.naming(file, e);
            }
            if (attributes.isSymbolicLink()) {
                if (links == MAX_LINKS) {
                    throw new IOException(file + ": more than " + MAX_LINKS + " symbolic links lead from it");
                }
                path = path.resolveSibling(Files.readSymbolicLink(path));
            } else if (attributes.isDirectory()) {
                throw new IOException(file + (path.equals(file.toAbsolutePath()) ? "" : " (a link to " + path + ")")
                        + ": is a directory; a file is written there");
            } else if (!attributes.isRegularFile()) {
                throw new IOException(file + (path.equals(file.toAbsolutePath()) ? "" : " (a link to " + path + ")")
                        + ": is not a regular file but a device, FIFO or socket, which saving never replaces");
            } else {
                return path;
            }
        }
    }

    /** The file's POSIX attributes, or null when it does not exist or the file system has none. */
    private static PosixFileAttributes posixAttributes(Path target) throws IOException {
        if (!Files.exists(target) || Files.getFileAttributeView(target, PosixFileAttributeView.class) == null) {
            return null;
        }
        return Files.readAttributes(target, PosixFileAttributes.class);
    }

    /**
     * Gives the replacement the replaced file's permissions exactly (its creation applied the
     * umask) and, where this process may, its owner and group.
     */
    private static void keepOwnership(Path temporary, PosixFileAttributes existing) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
        view.setPermissions(existing.permissions());
        try {
            PosixFileAttributes current = view.readAttributes();
            if (!current.owner().equals(existing.owner())) {
                view.setOwner(existing.owner());
            }
            if (!current.group().equals(existing.group())) {
                view.setGroup(existing.group());
            }
        } catch (FileSystemException e) {
            // Only root may give a file away: anyone else's save makes the file theirs, as any editor's does.
        }
    }
}
