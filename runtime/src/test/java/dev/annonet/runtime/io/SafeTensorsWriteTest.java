package dev.annonet.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link SafeTensors#write} does to the file system around the file it replaces. */
class SafeTensorsWriteTest {
    /** What identifies a file system node: its inode, type and permissions, and the device it stands for. */
    private static final String NODE = "unix:ino,mode,rdev";
    private static final int FILE_TYPE = 0170000;
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int FIFO = 0010000;
    private static final List<SafeTensors.Entry> WEIGHTS = List.of(new SafeTensors.Entry("w", new int[] {2}, new float[] {1, 2}));

    @TempDir
    Path dir;

    @Test
    void anExistingFileKeepsItsPermissions() throws IOException {
        for (String mode : new String[] {"rw-r--r--", "rw-------", "rw-rw-rw-", "r--r-----"}) {
            Path file = Files.write(dir.resolve(mode + ".safetensors"), new byte[] {1});
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            SafeTensors.write(file, WEIGHTS, Map.of());
            assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertArrayEquals(new float[] {1, 2}, SafeTensors.read(file).get("w").values());
        }
    }

    @Test
    void aNewFileGetsThePermissionsOfAnyNewFile() throws IOException {
        Path file = dir.resolve("new.safetensors");
        SafeTensors.write(file, WEIGHTS, Map.of());
        Path plain = Files.createFile(dir.resolve("plain"));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(file), "0666 less the umask, not 0600");
    }

    @Test
    void anExistingFileKeepsItsOwnerAndGroupWhenRootWrites() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root may give a file to another user");
        Path file = Files.write(dir.resolve("owned.safetensors"), new byte[] {1});
        UserPrincipalLookupService users = file.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(file, users.lookupPrincipalByName("65534"));
        Files.getFileAttributeView(file, PosixFileAttributeView.class).setGroup(users.lookupPrincipalByGroupName("65534"));
        PosixFileAttributes before = Files.readAttributes(file, PosixFileAttributes.class);
        SafeTensors.write(file, WEIGHTS, Map.of());
        PosixFileAttributes after = Files.readAttributes(file, PosixFileAttributes.class);
        assertEquals(before.owner(), after.owner());
        assertEquals(before.group(), after.group());
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndStaysALink() throws IOException {
        Path target = Files.write(dir.resolve("run-3.safetensors"), new byte[] {1});
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("latest.safetensors"), Path.of("run-3.safetensors"));
        Path linkToLink = Files.createSymbolicLink(dir.resolve("best.safetensors"), link);
        SafeTensors.write(linkToLink, WEIGHTS, Map.of());
        assertEquals(link, Files.readSymbolicLink(linkToLink));
        assertEquals(Path.of("run-3.safetensors"), Files.readSymbolicLink(link));
        assertTrue(Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        assertArrayEquals(new float[] {1, 2}, SafeTensors.read(target).get("w").values());
        assertEquals(List.of("best.safetensors", "latest.safetensors", "run-3.safetensors"), listFiles(), "no temporary file is left behind");
    }

    @Test
    void aDanglingSymbolicLinkGetsItsTargetCreated() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("latest.safetensors"), Path.of("run-4.safetensors"));
        SafeTensors.write(link, WEIGHTS, Map.of());
        assertTrue(Files.isSymbolicLink(link));
        assertArrayEquals(new float[] {1, 2}, SafeTensors.read(dir.resolve("run-4.safetensors")).get("w").values());
    }

    @Test
    void aLoopOfSymbolicLinksIsAnError() throws IOException {
        Path a = Files.createSymbolicLink(dir.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(dir.resolve("b"), Path.of("a"));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(a, WEIGHTS, Map.of()));
        assertEquals(a + ": more than 40 symbolic links lead from it", e.getMessage());
    }

    @Test
    void aDirectoryIsNeverReplaced() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("weights"));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(sub, WEIGHTS, Map.of()));
        assertEquals(sub + ": is a directory; a file is written there", e.getMessage());
        Path link = Files.createSymbolicLink(dir.resolve("link"), sub);
        e = assertThrows(IOException.class, () -> SafeTensors.write(link, WEIGHTS, Map.of()));
        assertEquals(link + " (a link to " + sub + "): is a directory; a file is written there", e.getMessage());
        assertTrue(Files.isDirectory(sub, LinkOption.NOFOLLOW_LINKS));
        assertEquals(List.of("link", "weights"), listFiles());
    }

    @Test
    void aDeviceIsNeverReplaced() throws IOException {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full), "no /dev/full here");
        Map<String, Object> before = Files.readAttributes(full, NODE, LinkOption.NOFOLLOW_LINKS);
        assertEquals(CHARACTER_DEVICE, (int) before.get("mode") & FILE_TYPE);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(full, WEIGHTS, Map.of()));
        assertEquals("/dev/full: is not a regular file but a device, FIFO or socket, which saving never replaces", e.getMessage());
        assertEquals(before, Files.readAttributes(full, NODE, LinkOption.NOFOLLOW_LINKS), "the same character device");
    }

    @Test
    void aFifoIsNeverReplaced() throws IOException, InterruptedException {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo failed");
        Map<String, Object> before = Files.readAttributes(fifo, NODE, LinkOption.NOFOLLOW_LINKS);
        assertEquals(FIFO, (int) before.get("mode") & FILE_TYPE);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.write(fifo, WEIGHTS, Map.of()));
        assertTrue(e.getMessage().startsWith(fifo + ": is not a regular file"), e.getMessage());
        assertEquals(before, Files.readAttributes(fifo, NODE, LinkOption.NOFOLLOW_LINKS), "the same FIFO");
        assertEquals(List.of("fifo"), listFiles());
    }

    /** A full disk: a 64 KiB tmpfs, which only root may mount (CI runs as root). */
    @Test
    void aFullDiskIsNamedAndLeavesNoTemporaryFile() throws IOException, InterruptedException {
        Path mountPoint = Files.createDirectory(dir.resolve("tiny"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mountPoint.toString()), "cannot mount a tmpfs here (not root?)");
        try {
            Path file = Files.write(mountPoint.resolve("w.safetensors"), new byte[] {1});
            List<SafeTensors.Entry> large = List.of(new SafeTensors.Entry("w", new int[] {100_000}, new float[100_000]));
            IOException e = assertThrows(IOException.class, () -> SafeTensors.write(file, large, Map.of()));
            assertEquals(file + ": No space left on device", e.getMessage());
            assertTrue(e.getCause() != null, "the cause is kept");
            try (var files = Files.list(mountPoint)) {
                assertEquals(List.of(file), files.toList(), "the old file stays, the temporary one is gone");
            }
            assertArrayEquals(new byte[] {1}, Files.readAllBytes(file));
        } finally {
            assertTrue(run("umount", mountPoint.toString()), "umount " + mountPoint);
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(System.err);
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }

    private List<String> listFiles() throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
