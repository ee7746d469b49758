package dev.annonet.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the Keras .h5 reader (jhdf underneath): whatever the bytes, listing the layers, their
 * weights and reading every weight of up to a million values either works, giving as many values
 * as the shape holds, or throws an {@link IOException} whose message starts with the file's name;
 * any other exception or an error is a finding. {@code mvn test} runs the committed inputs
 * ({@code src/test/resources/dev/annonet/runtime/io/KerasH5FuzzTestInputs/}, two files from
 * scripts/keras/write_h5_fixtures.py); the README says how to fuzz.
 */
class KerasH5FuzzTest {
    private static final long LARGEST_READ = 1 << 20;

    @TempDir(factory = SafeTensorsFuzzTest.InMemoryWhereAvailable.class)
    static Path dir;

    @FuzzTest
    void anyFile(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("any.h5"), bytes);
        try (KerasH5 h5 = KerasH5.open(file)) {
            for (String layer : h5.layerNames()) {
                for (KerasH5.Weight weight : h5.weights(layer)) {
                    if (weight.size() <= LARGEST_READ) {
                        assertEquals(weight.size(), h5.read(weight).length);
                    }
                }
            }
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().startsWith(file.toString()),
                    () -> "the error does not name the file: " + e);
        }
    }
}
