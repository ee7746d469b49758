package dev.annonet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads at every position of a file mapped in small windows: those that straddle a window's edge included. */
class MappedFileTest {
    @TempDir
    Path directory;

    @Test
    void everyReadUpToTheLongestIsWholeWhereverItStarts() throws IOException {
        byte[] bytes = new byte[100];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 7 + 3);
        }
        Path path = Files.write(directory.resolve("bytes"), bytes);
        MappedFile file = new MappedFile(path, 5, 16);
        assertEquals(100, file.size());
        byte[] into = new byte[5];
        for (int position = 0; position <= 95; position++) {
            file.read(position, into, 0, 5);
            assertArrayEquals(Arrays.copyOfRange(bytes, position, position + 5), into, "at " + position);
            assertEquals(bytes[position] & 0xff, file.read(position));
        }
        IOException e = assertThrows(IOException.class, () -> file.read(96, into, 0, 5));
        assertEquals(path + ": 5 bytes at byte 96 lie outside its 100 bytes", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MappedFile(path, 17, 16));
    }
}
