package dev.annonet.runtime.backend;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** A kernel-level PyTorch fixture (a safetensors file beside the tests): read, its tensors uploaded, a backend's results against them. */
final class FixtureTensors {
    private FixtureTensors() {
    }

    /** The fixture {@code file} next to {@code test}'s class; {@code script} says what writes it when it is missing. */
    static SafeTensors.Contents read(Class<?> test, String file, String script) throws IOException, URISyntaxException {
        URL resource = test.getResource(file);
        assertNotNull(resource, file + " is not on the test classpath; " + script + " writes it");
        return SafeTensors.read(Path.of(resource.toURI()));
    }

    static Memory upload(SafeTensors.Contents fixture, Backend backend, String name) {
        float[] values = fixture.get(name).values();
        Memory memory = backend.allocate(values.length);
        backend.upload(values, 0, memory, 0, values.length);
        return memory;
    }

    static void assertMatches(SafeTensors.Contents fixture, Backend backend, Memory memory, String name, double tolerance) {
        float[] expected = fixture.get(name).values();
        float[] actual = new float[expected.length];
        backend.download(memory, 0, actual, 0, actual.length);
        BackendPair.assertClose(expected, "PyTorch", actual, backend.name(), tolerance, name);
    }
}
