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

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() throws IOException {
        Path file = writeRaw("{\"x\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}", new float[0]);
        assertRejected(file, "unreadable safetensors header: objects and arrays nested deeper than 64 levels at character 69");
    }

    @Test
    void shapesTooLargeForAnArrayAreAnErrorNotAnOverflow() throws IOException {
        for (String shape : new String[] {"[10000000000]", "[0,10000000000]", "[65536,65536,65536]", "[2147483647]"}) {
            Path file = writeRaw("{\"x\":{\"dtype\":\"F32\",\"shape\":" + shape + ",\"data_offsets\":[0,4]}}", new float[] {1});
            assertRejected(file, "tensor 'x''s shape " + shape.replace(",", ", ") + " holds more values than one array can (2147483639)");
        }
        Path exponent = writeRaw("{\"x\":{\"dtype\":\"F32\",\"shape\":[1e10],\"data_offsets\":[0,4]}}", new float[] {1});
        assertRejected(exponent, "tensor 'x' has a bad shape [1.0E10]: each must be a non-negative integer");
        Path negative = writeRaw("{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new float[] {1});
        assertRejected(negative, "tensor 'x' has a bad shape [-1]: each must be a non-negative integer");
        Path tooLong = writeRaw("{\"x\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", new float[] {1});
        assertRejected(tooLong, "integer 99999999999999999999 does not fit 64 bits");
    }

    @Test
    void anAbsurdHeaderLengthIsCheckedAgainstTheFileBeforeAnythingIsAllocated() throws IOException {
        for (long length : new long[] {Long.MAX_VALUE, -1, 101L << 20, 100, 1, 0}) {
            ByteBuffer bytes = ByteBuffer.allocate(8 + 16).order(ByteOrder.LITTLE_ENDIAN).putLong(length);
            Path file = Files.write(dir.resolve("length.safetensors"), bytes.array());
            assertRejected(file, "not a safetensors file (header length " + Long.toUnsignedString(length) + " does not fit a file of 24 bytes");
        }
    }

    @Test
    void theHeaderMustBeUtf8JsonStartingWithABrace() throws IOException {
        byte[] latin1 = "{\"caf\u00e9\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}".getBytes(StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("latin1.safetensors"), ByteBuffer.allocate(8 + latin1.length)
                .order(ByteOrder.LITTLE_ENDIAN).putLong(latin1.length).put(latin1).array());
        assertRejected(file, ": its safetensors header is not valid UTF-8");
        assertRejected(writeRaw(" {}", new float[0]), ": its safetensors header does not start with '{'");
        assertRejected(writeRaw("{} x", new float[0]), "unexpected text after the header object at character 3");
        assertRejected(writeRaw("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", new float[0]), "duplicate key \"a\"");
        assertRejected(writeRaw("{\"a\":{\"dtype\":\"F32\",\"shape\":[01],\"data_offsets\":[0,4]}}", new float[1]), "bad number 01");
        assertRejected(writeRaw("{\"a\\u12G4\":{}}", new float[0]), "bad \\u escape");
        assertRejected(writeRaw("{\"a\\ud800\":{}}", new float[0]), "unpaired surrogate \\ud800 in a string");
        assertRejected(writeRaw("{\"\\udc00\\ud800\":{}}", new float[0]), "unpaired surrogate \\udc00 in a string");
        assertRejected(writeRaw("{\"a\nb\":{}}", new float[0]), "control character U+000A in a string");
    }

    @Test
    void emptyTensorsAndScalarsAreWellFormed() throws IOException {
        Path file = writeRaw("{\"\\ud83d\\ude00\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"empty\":{\"dtype\":\"F32\",\"shape\":[2,0],\"data_offsets\":[0,0]},"
                + "\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", new float[] {7});
        SafeTensors.Contents contents = SafeTensors.read(file);
        assertArrayEquals(new float[0], contents.get("empty").values());
        assertArrayEquals(new int[] {0}, contents.get("\ud83d\ude00").shape(), "a surrogate pair escaped is one character");
        assertArrayEquals(new int[0], contents.get("scalar").shape());
        assertArrayEquals(new float[] {7}, contents.get("scalar").values());
    }

    @Test
    void theTensorsMustCoverTheDataExactly() throws IOException {
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertRejected(writeRaw("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new float[3]),
                ": tensors 'a' and 'b' overlap in the data section (bytes 4 to 8)");
        assertRejected(writeRaw("{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new float[2]),
                ": data bytes 0 to 4 belong to no tensor");
        assertRejected(writeRaw("{" + a + "}", new float[3]), ": 4 bytes follow the last tensor's data");
        assertRejected(writeRaw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", new float[2]),
                "tensor 'a' of shape [2] needs 8 bytes but its data_offsets are [8, 0] in 8 data bytes");
        assertRejected(writeRaw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,8]}}", new float[2]),
                "tensor 'a' has 3 data_offsets, expected 2");
    }

    @Test
    void malformedEntriesAndMetadataAreNamed() throws IOException {
        assertRejected(writeRaw("{\"__metadata__\":{\"epochs\":3}}", new float[0]), ": metadata 'epochs' is not a string");
        assertRejected(writeRaw("{\"__metadata__\":[]}", new float[0]), ": header entry '__metadata__' is not an object");
        assertRejected(writeRaw("{\"x\":[]}", new float[0]), ": header entry 'x' is not an object");
        assertRejected(writeRaw("{\"x\":{\"shape\":[0],\"data_offsets\":[0,0]}}", new float[0]), ": tensor 'x' has no dtype string");
        assertRejected(writeRaw("{\"x\":{\"dtype\":\"F32\",\"data_offsets\":[0,0]}}", new float[0]), ": tensor 'x' has no shape list");
        String longName = "n".repeat(10_000);
        assertRejected(writeRaw("{\"" + longName + "\":{\"dtype\":\"I8\",\"shape\":[0],\"data_offsets\":[0,0]}}", new float[0]),
                ": tensor '" + "n".repeat(57) + "...' has dtype I8; annonet reads F32 only");
    }

    @Test
    void aDirectoryIsNamed() {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(dir));
        assertEquals(dir + ": is a directory, not a safetensors file", e.getMessage());
    }

    private static void assertRejected(Path file, String expected) {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
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
