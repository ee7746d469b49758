package dev.annonet.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsTensorsAndMetadataInOrder() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, List.of(
                new SafeTensors.Entry("hidden.kernel", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}),
                new SafeTensors.Entry("hidden.bias", new int[] {3}, new float[] {0.25f, Float.MIN_VALUE, -0f})),
                Map.of("format", "annonet"));

        SafeTensors.Contents contents = SafeTensors.read(file);

        assertEquals(List.of("hidden.kernel", "hidden.bias"), List.copyOf(contents.entries().keySet()));
        assertArrayEquals(new int[] {2, 3}, contents.get("hidden.kernel").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, contents.get("hidden.kernel").values());
        assertArrayEquals(new float[] {0.25f, Float.MIN_VALUE, -0f}, contents.get("hidden.bias").values());
        assertEquals("annonet", contents.metadata().get("format"));
        assertEquals(List.of(file.getFileName()), listFiles(), "no temporary file is left behind");
    }

    @Test
    void dataStartsEightByteAligned() throws IOException {
        Path file = dir.resolve("a.safetensors");
        SafeTensors.write(file, List.of(new SafeTensors.Entry("x", new int[] {1}, new float[] {1})), Map.of());
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8);
    }

    @Test
    void readsAHeaderWrittenByOtherTools() throws IOException {
        // As PyTorch's writer lays it out: metadata first, spaces after the JSON, entries out of data order.
        String header = "{\"__metadata__\": {\"format\": \"pt\"}, \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 12]},"
                + " \"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}   ";
        Path file = writeRaw(header, new float[] {1, 2, 3});

        SafeTensors.Contents contents = SafeTensors.read(file);

        assertArrayEquals(new float[] {1, 2}, contents.get("a").values());
        assertArrayEquals(new float[] {3}, contents.get("b").values());
        assertEquals("pt", contents.metadata().get("format"));
    }

    @Test
    void rejectsOtherDtypesNamingTheTensor() throws IOException {
        Path file = writeRaw("{\"x\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new float[] {1});
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains("tensor 'x' has dtype F16"), e.getMessage());
    }

    @Test
    void rejectsOffsetsThatDisagreeWithTheShape() throws IOException {
        Path file = writeRaw("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new float[] {1, 2});
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains("tensor 'x' of shape [3] needs 12 bytes"), e.getMessage());
    }

    @Test
    void rejectsTruncatedAndForeignFiles() throws IOException {
        Path tiny = Files.write(dir.resolve("tiny"), new byte[] {1, 2});
        assertTrue(assertThrows(IOException.class, () -> SafeTensors.read(tiny)).getMessage().contains("not a safetensors file"));

        Path text = Files.writeString(dir.resolve("text"), "hello, this is not a weights file");
        assertTrue(assertThrows(IOException.class, () -> SafeTensors.read(text)).getMessage().contains("header length"));

        Path broken = writeRaw("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]", new float[] {1});
        assertTrue(assertThrows(IOException.class, () -> SafeTensors.read(broken)).getMessage().contains("unreadable safetensors header"));

        assertThrows(NoSuchFileException.class, () -> SafeTensors.read(dir.resolve("missing.safetensors")));
    }

    @Test
    void missingEntryNamesWhatTheFileHolds() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, List.of(new SafeTensors.Entry("a", new int[] {1}, new float[] {1})), Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(file).get("b"));
        assertEquals("no tensor 'b' in the file; it holds [a]", e.getMessage());
    }

    @Test
    void entryRejectsAShapeThatDisagreesWithItsValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SafeTensors.Entry("k", new int[] {2, 2}, new float[3]));
        assertEquals("k: shape [2, 2] holds 4 values but 3 were given", e.getMessage());
    }

    private Path writeRaw(String header, float[] data) throws IOException {
        byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + headerBytes.length + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(headerBytes.length).put(headerBytes);
        for (float v : data) {
            buffer.putFloat(v);
        }
        return Files.write(dir.resolve("raw.safetensors"), buffer.array());
    }

    private List<Path> listFiles() throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(Path::getFileName).toList();
        }
    }
}
