package dev.annonet.runtime.backend;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Bytes a backend can still allocate, and {@code bound}: what bounds them, for a message (e.g.
 * {@code "the Java heap (-Xmx)"}).
 */
public record FreeMemory(long bytes, String bound) {

    private static final Path MEMINFO = Path.of("/proc/meminfo");

    /** The smaller of the two: the tighter bound is the one that counts. */
    public FreeMemory min(FreeMemory other) {
        return other.bytes < bytes ? other : this;
    }

    /** What the Java heap can still grow by. */
    public static FreeMemory javaHeap() {
        Runtime runtime = Runtime.getRuntime();
        long used = runtime.totalMemory() - runtime.freeMemory();
        return new FreeMemory(Math.max(0, runtime.maxMemory() - used), "the Java heap (-Xmx)");
    }

    /**
     * The host's memory available to a new allocation: Linux's MemAvailable (free memory and the
     * caches it can drop), else the operating system's free memory.
     */
    public static FreeMemory host() {
        try {
            List<String> lines = Files.readAllLines(MEMINFO);
            for (String line : lines) {
                if (line.startsWith("MemAvailable:")) {
                    long kilobytes = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return new FreeMemory(kilobytes * 1024, "the host's available memory");
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or a /proc/meminfo of another format: the operating system's figure below
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return new FreeMemory(os.getFreeMemorySize(), "the host's free memory");
    }
}
