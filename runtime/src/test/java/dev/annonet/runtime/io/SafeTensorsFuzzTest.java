package dev.annonet.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Fuzzes the safetensors reader: whatever the bytes, it returns tensors that write and read back
 * unchanged, or throws an {@link IOException} whose message starts with the file's name; any other
 * exception, an error (stack overflow, out of memory) or a difference is a finding. {@code mvn test}
 * runs the committed inputs ({@code src/test/resources/dev/annonet/runtime/io/SafeTensorsFuzzTestInputs/});
 * the README says how to fuzz.
 */
class SafeTensorsFuzzTest {
    @TempDir(factory = InMemoryWhereAvailable.class)
    static Path dir;

    /** A directory on tmpfs where there is one: the round trip's fsync costs milliseconds on a disk and nothing there. */
    static final class InMemoryWhereAvailable implements TempDirFactory {
        @Override
        public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "safetensors-fuzz")
                    : Files.createTempDirectory("safetensors-fuzz");
        }
    }

    @FuzzTest
    @DictionaryEntries({"{\"", "\":{\"dtype\":\"F32\",\"shape\":[", "],\"data_offsets\":[", "]}",
        "\"__metadata__\":{", "\"F16\"", "\\u"})
    void anyFile(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("any.safetensors"), bytes);
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file);
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().startsWith(file.toString()),
                    () -> "the error does not name the file: " + e);
            return;
        }
        Path copy = dir.resolve("copy.safetensors");
        SafeTensors.write(copy, List.copyOf(contents.entries().values()), contents.metadata());
        SafeTensors.Contents again = SafeTensors.read(copy);
        assertEquals(contents.metadata(), again.metadata());
        assertEquals(List.copyOf(contents.entries().keySet()), List.copyOf(again.entries().keySet()));
        for (SafeTensors.Entry entry : contents.entries().values()) {
            assertArrayEquals(entry.shape(), again.get(entry.name()).shape());
            assertArrayEquals(entry.values(), again.get(entry.name()).values());
        }
    }
}
