package dev.annonet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.annonet.runtime.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * Fuzzes the IDX readers: whatever the bytes, they return values that agree with the bytes or
 * throw an {@link IOException} whose message starts with the source's name; any other exception,
 * an error (stack overflow, out of memory) or a disagreement is a finding. The bytes are read from
 * memory, through the stream readers that the file readers call, for speed. {@code mvn test} runs
 * the committed inputs ({@code src/test/resources/dev/annonet/runtime/data/IdxFuzzTestInputs/});
 * the README says how to fuzz.
 */
class IdxFuzzTest {
    private static final int IDX_HEADER = 4;

    private interface StreamReader<T> {
        T read(InputStream in, String source) throws IOException;
    }

    /** The bytes as a file, plain or gzipped as they happen to be: the gzip decoder's checks meet arbitrary input here. */
    @FuzzTest
    void anyFile(byte[] bytes) {
        Optional<Tensor> images = readOrReject(bytes, "any-file", Idx::readImages);
        Optional<int[]> labels = readOrReject(bytes, "any-file", Idx::readLabels);
        boolean gzipped = bytes.length >= 2 && bytes[0] == 0x1f && bytes[1] == (byte) 0x8b;
        if (!gzipped) {
            images.ifPresent(t -> assertAgreesWithRawBytes(t, bytes));
            labels.ifPresent(l -> assertAgreesWithRawBytes(l, bytes));
        }
    }

    /** The bytes gzipped: a gzipped file reads exactly as its plain content does, accepted or rejected alike. */
    @FuzzTest
    void gzippedContent(byte[] bytes) throws IOException {
        byte[] zipped = IdxTest.gzip(bytes);
        Optional<Tensor> images = readOrReject(bytes, "plain", Idx::readImages);
        Optional<Tensor> zippedImages = readOrReject(zipped, "zipped.gz", Idx::readImages);
        assertEquals(images.isPresent(), zippedImages.isPresent());
        images.ifPresent(t -> assertArrayEquals(t.toArray(), zippedImages.get().toArray()));
        Optional<int[]> labels = readOrReject(bytes, "plain", Idx::readLabels);
        Optional<int[]> zippedLabels = readOrReject(zipped, "zipped.gz", Idx::readLabels);
        assertEquals(labels.isPresent(), zippedLabels.isPresent());
        labels.ifPresent(l -> assertArrayEquals(l, zippedLabels.get()));
    }

    private static <T> Optional<T> readOrReject(byte[] bytes, String source, StreamReader<T> reader) {
        try {
            return Optional.of(reader.read(new ByteArrayInputStream(bytes), source));
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().startsWith(source), () -> "the error does not name the source: " + e);
            return Optional.empty();
        }
    }

    private static void assertAgreesWithRawBytes(Tensor images, byte[] bytes) {
        ByteBuffer header = ByteBuffer.wrap(bytes);
        int count = header.getInt(IDX_HEADER);
        int pixels = header.getInt(IDX_HEADER + 4) * header.getInt(IDX_HEADER + 8);
        int start = IDX_HEADER + 12;
        assertArrayEquals(new int[] {count, pixels}, images.shape());
        float[] values = images.toArray();
        assertEquals(bytes.length - start, values.length);
        for (int i = 0; i < values.length; i++) {
            assertEquals((bytes[start + i] & 0xff) / 255f, values[i]);
        }
    }

    private static void assertAgreesWithRawBytes(int[] labels, byte[] bytes) {
        int start = IDX_HEADER + 4;
        assertEquals(ByteBuffer.wrap(bytes).getInt(IDX_HEADER), labels.length);
        assertEquals(bytes.length - start, labels.length);
        for (int i = 0; i < labels.length; i++) {
            assertEquals(bytes[start + i] & 0xff, labels[i]);
        }
    }
}
