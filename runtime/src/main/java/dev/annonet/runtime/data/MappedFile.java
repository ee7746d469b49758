package dev.annonet.runtime.data;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only file mapped into memory in windows of at most 1 GiB, so files of any size are read
 * at any position without a system call, and the operating system pages them in and out as the
 * reads go (the mapping ends when the garbage collector frees it: Java 17 cannot unmap a buffer
 * early). Consecutive windows overlap by {@code longestRead} bytes: every read of at most that
 * many bytes lies inside the window its first byte starts in.
 */
final class MappedFile {
    private static final long WINDOW = 1L << 30;

    private final Path path;
    private final long size;
    private final int longestRead;
    private final long window;
    private final MappedByteBuffer[] windows;

    MappedFile(Path path, int longestRead) throws IOException {
        this(path, longestRead, WINDOW);
    }

    /** With windows of {@code window} bytes: small ones let tests cross their edges. */
    MappedFile(Path path, int longestRead, long window) throws IOException {
        if (longestRead <= 0 || longestRead > window) {
            throw new IllegalArgumentException("reads of " + longestRead + " bytes cannot be mapped in windows of " + window);
        }
        this.path = path;
        this.longestRead = longestRead;
        this.window = window;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            this.size = channel.size();
            int count = Math.toIntExact(Math.max(1, (size + window - 1) / window));
            this.windows = new MappedByteBuffer[count];
            for (int i = 0; i < count; i++) {
                long start = i * window;
                windows[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(size - start, window + longestRead));
            }
        }
    }

    Path path() {
        return path;
    }

    long size() {
        return size;
    }

    /** Copies {@code length} bytes (at most the longest read) from {@code position} into {@code into}. */
    void read(long position, byte[] into, int offset, int length) throws IOException {
        if (length > longestRead || position < 0 || position + length > size) {
            throw new IOException(path + ": " + length + " bytes at byte " + position + " lie outside its " + size + " bytes");
        }
        windows[(int) (position / window)].get((int) (position % window), into, offset, length);
    }

    /** The byte at {@code position}. */
    int read(long position) {
        return windows[(int) (position / window)].get((int) (position % window)) & 0xff;
    }
}
