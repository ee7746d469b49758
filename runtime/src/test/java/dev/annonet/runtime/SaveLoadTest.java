package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveLoadTest {
    @TempDir
    Path dir;

    @Test
    void loadRestoresWhatSaveWroteAcrossBackends() throws IOException {
        Path file = dir.resolve("mlp.safetensors");
        float[] sample = {0.5f, -1, 2, 0.25f};
        float[] expected;
        try (HandScheduledMlp trained = HandScheduledMlp.create(Device.cpu(), 3, 4, 6, 3, 0.2)) {
            expected = trained.predict(sample);
            trained.save(file);
        }
        try (HandScheduledMlp fresh = HandScheduledMlp.create(Device.reference(), 99, 4, 6, 3, 0.2)) {
            fresh.load(file);
            assertArrayEquals(expected, fresh.predict(sample), 1e-6f);
        }
        SafeTensors.Contents contents = SafeTensors.read(file);
        assertEquals(List.of("hidden.kernel", "hidden.bias", "output.kernel", "output.bias"), List.copyOf(contents.entries().keySet()));
        assertArrayEquals(new int[] {4, 6}, contents.get("hidden.kernel").shape());
        assertEquals("HandScheduledMlp", contents.metadata().get("network"));
    }

    @Test
    void saveKeepsTheFilesModeAndALinkStaysALink() throws IOException {
        Path target = Files.write(dir.resolve("run-1.safetensors"), new byte[] {1});
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("latest.safetensors"), target.getFileName());
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 3, 4, 6, 3, 0.2)) {
            model.save(link);
            model.load(link);
        }
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void aFileThatDoesNotFitIsRejectedAndTheWeightsStay() throws IOException {
        Path file = dir.resolve("other.safetensors");
        SafeTensors.write(file, List.of(
                new SafeTensors.Entry("hidden.kernel", new int[] {4, 5}, new float[20]),
                new SafeTensors.Entry("hidden.bias", new int[] {6}, new float[6]),
                new SafeTensors.Entry("extra", new int[] {1}, new float[1])), Map.of());
        try (HandScheduledMlp model = HandScheduledMlp.create(Device.cpu(), 3, 4, 6, 3, 0.2)) {
            float[] before = model.hidden().bias().toArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.load(file));
            assertEquals(file + " does not fit HandScheduledMlp: 'hidden.kernel' has shape [4, 5] in the file but [4, 6]"
                    + " in HandScheduledMlp; 'output.kernel' is missing; 'output.bias' is missing;"
                    + " 'extra' is not a weight of HandScheduledMlp", e.getMessage());
            assertArrayEquals(before, model.hidden().bias().toArray());
        }
    }

    @Test
    void fixedWeightsMustMatchTheDeclaration() throws IOException {
        ActivationFunction step = ActivationFunction.heaviside(0);
        Path file = dir.resolve("or.safetensors");
        try (HandScheduledDense or = HandScheduledDense.fixed(Device.cpu(), step, 2, 1, new float[] {1, 1}, new float[] {-0.5f})) {
            or.save(file);
            or.load(file);
        }
        try (HandScheduledDense other = HandScheduledDense.fixed(Device.cpu(), step, 2, 1, new float[] {1, 2}, new float[] {-0.5f})) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.load(file));
            assertEquals(file + " does not fit HandScheduledDense: 'out.kernel' is fixed in the declaration and the file holds other values",
                    e.getMessage());
        }
    }
}
