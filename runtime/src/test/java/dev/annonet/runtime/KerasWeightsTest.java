package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model.loadKerasWeights on the files scripts/keras/write_h5_fixtures.py writes with h5py in
 * Keras's layout, for HandScheduledMlp(in 4, hidden 6, classes 3): layers image, hidden, dropout, output.
 */
class KerasWeightsTest {
    @TempDir
    Path dir;

    /** The script's value(layer, weight, i): layer and weight are indices in the file's lists. */
    private static float[] expected(int layer, int weight, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) ((i % 13 - 6) / 8.0 + layer / 2.0 + weight / 4.0);
        }
        return values;
    }

    static Path fixture(String name) {
        try {
            return Path.of(KerasWeightsTest.class.getResource("keras/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HandScheduledMlp mlp() {
        return HandScheduledMlp.create(Device.cpu(), 3, 4, 6, 3, 0.2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_weights.h5", "mlp_model.h5", "mlp_keras1_names.h5", "mlp_chunked_names.h5",
        "mlp_extra_layer.h5"})
    void loadsEveryWeightByLayerName(String name) throws IOException {
        try (HandScheduledMlp model = mlp()) {
            model.loadKerasWeights(fixture(name));
            assertArrayEquals(expected(1, 0, 24), model.hidden().kernel().toArray());
            assertArrayEquals(expected(1, 1, 6), model.hidden().bias().toArray());
            assertArrayEquals(expected(3, 0, 18), model.output().kernel().toArray());
            assertArrayEquals(expected(3, 1, 3), model.output().bias().toArray());
        }
    }

    @Test
    void aMissingLayerIsAnErrorAndTheWeightsStay() {
        assertRejected("mlp_missing_layer.h5", "layer 'output' (kernel, bias) is not in the file"
                + " (it has 3 layers: image, hidden, dropout)");
    }

    @Test
    void aShapeThatDiffersNamesTheLayerTheWeightAndBothShapes() {
        assertRejected("mlp_wrong_shape.h5", "layer 'output', weight 'kernel' ('output/kernel:0' in the file):"
                + " HandScheduledMlp expects shape [6, 3], the file has [5, 3]");
    }

    @Test
    void aWeightCountThatDiffersListsBoth() {
        assertRejected("mlp_wrong_count.h5", "layer 'output' has 1 weight(s) in the file (output/kernel:0)"
                + " but 2 in HandScheduledMlp (kernel, bias)");
    }

    @Test
    void aNamedWeightOutOfKerasOrderIsAnError() {
        assertRejected("mlp_swapped.h5", "layer 'hidden': the file's weight 1 is 'hidden/bias:0' where"
                + " HandScheduledMlp has 'kernel'; layer 'hidden': the file's weight 2 is 'hidden/kernel:0' where"
                + " HandScheduledMlp has 'bias'");
    }

    private static void assertRejected(String name, String problems) {
        Path file = fixture(name);
        try (HandScheduledMlp model = mlp()) {
            float[] before = model.output().kernel().toArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loadKerasWeights(file));
            assertEquals(file + " does not fit HandScheduledMlp: " + problems, e.getMessage());
            assertArrayEquals(before, model.output().kernel().toArray());
        }
    }

    @Test
    void anHdf5FileWithoutKerasLayoutSaysSo() {
        Path file = fixture("not_keras.h5");
        assertFileError(file, file + ": not a Keras weights file: neither its root nor a group 'model_weights'"
                + " has the attribute 'layer_names'");
    }

    @Test
    void aFileThatIsNotHdf5SaysSo() throws IOException {
        Path file = Files.writeString(dir.resolve("weights.h5"), "{\"not\": \"hdf5\"}");
        assertFileError(file, file + ": not an HDF5 file");
    }

    @Test
    void aMissingFileOrADirectoryIsNamed() throws IOException {
        try (HandScheduledMlp model = mlp()) {
            Path missing = dir.resolve("missing.h5");
            assertTrue(assertThrows(NoSuchFileException.class, () -> model.loadKerasWeights(missing))
                    .getMessage().contains(missing.toString()));
        }
        assertFileError(dir, dir + ": is a directory");
    }

    /** Every cut of a valid file is an IOException naming it, never another exception from inside the reader. */
    @Test
    void aTruncatedFileIsAnIoErrorNamingItAndTheWeightsStay() throws IOException {
        byte[] whole = Files.readAllBytes(fixture("mlp_weights.h5"));
        for (int length = 0; length < whole.length; length += 97) {
            Path file = Files.write(dir.resolve("cut-" + length + ".h5"), Arrays.copyOf(whole, length));
            assertFileError(file, file + ": ");
        }
    }

    private static void assertFileError(Path file, String messageStart) {
        try (HandScheduledMlp model = mlp()) {
            float[] before = model.hidden().kernel().toArray();
            IOException e = assertThrows(IOException.class, () -> model.loadKerasWeights(file));
            assertTrue(e.getMessage().startsWith(messageStart), e::toString);
            assertArrayEquals(before, model.hidden().kernel().toArray());
        }
    }
}
