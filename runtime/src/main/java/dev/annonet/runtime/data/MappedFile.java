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
    private final MappedByteBuffer[] windows;

    MappedFile(Path path, int longestRead) throws IOException {
        if (longestRead <= 0 || longestRead > WINDOW) {
            throw new IllegalArgumentException("reads of " + longestRead + " bytes cannot be mapped");
        }
        this.path = path;
        this.longestRead = longestRead;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            this.size = channel.size();
            int count = (int) Math.max(1, (size + WINDOW - 1) / WINDOW);
            this.windows = new MappedByteBuffer[count];
            for (int i = 0; i < count; i++) {
                long start = i * WINDOW;
                windows[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(size - start, WINDOW + longestRead));
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
        windows[(int) (position / WINDOW)].get((int) (position % WINDOW), into, offset, length);
    }

    /** The byte at {@code position}. */
    int read(long position) {
        return windows[(int) (position / WINDOW)].get((int) (position % WINDOW)) & 0xff;
    }
}
