package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.data.Dataset;
import dev.annonet.runtime.data.Idx;
import dev.annonet.runtime.data.IdxDataset;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** fit and evaluate on a {@link Dataset} read a batch ahead: the same training as from tensors, and its failures. */
class StreamedFitTest {
    private static final int SAMPLES = 150;

    @TempDir
    Path directory;

    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor(),
                Device.cudaHostExecutor().withoutCopyOverlap());
    }

    private static HandScheduledMlp model(Device device, Loss loss) {
        HandScheduledMlp model = HandScheduledMlp.create(device, 7, 2, 8, 3, 0.25);
        model.compile(Optimizers.adam(0.01f), loss, Metrics.accuracy());
        return model;
    }

    /** Shuffled, with dropout, class weights and a validation split: the streamed fit runs the very same steps. */
    @ParameterizedTest
    @MethodSource("devices")
    void aStreamedFitEqualsTheInMemoryFitBitForBit(Device device) throws IOException {
        int[] labels = new int[SAMPLES];
        Tensor x = TestData.threeBlobs(labels);
        Fit options = Fit.options().batchSize(16).epochs(3).verbose(0).validationSplit(0.2).classWeight(Map.of(1, 2.5));
        for (boolean sparse : new boolean[] {false, true}) {
            Loss loss = sparse ? Losses.sparseCategoricalCrossentropy() : Losses.categoricalCrossentropy();
            Tensor y = sparse ? Labels.sparse(labels) : Labels.oneHot(labels, 3);
            try (HandScheduledMlp inMemory = model(device, loss); HandScheduledMlp streamed = model(device, loss)) {
                History expected = inMemory.fit(x, y, options);
                History actual = streamed.fit(new ArrayDataset(x, labels, 3, -1), options);
                assertEquals(expected.history(), actual.history());
                assertArrayEquals(inMemory.predict(x).toArray(), streamed.predict(x).toArray());
                Tensor predicted = streamed.predict(new ArrayDataset(x, labels, 3, -1), 32);
                assertArrayEquals(new int[] {SAMPLES, 3}, predicted.shape());
                assertArrayEquals(inMemory.predict(x).toArray(), predicted.toArray());
                assertEquals(inMemory.evaluate(x, y).toString(), streamed.evaluate(new ArrayDataset(x, labels, 3, -1), 32).toString());
            }
        }
        assertNoReaderThreads();
    }

    @Test
    void anIdxFileTrainsAsTheTensorsItLoadsInto() throws IOException {
        int[] labels = TestData.labels(40, 3, 5);
        byte[] pixels = new byte[40 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (labels[i / 2] * 80 + i % 7);
        }
        Path images = Files.write(directory.resolve("images"), idx(0x0803, new int[] {40, 1, 2}, pixels));
        byte[] labelBytes = new byte[40];
        for (int i = 0; i < 40; i++) {
            labelBytes[i] = (byte) labels[i];
        }
        Path labelFile = Files.write(directory.resolve("labels"), idx(0x0801, new int[] {40}, labelBytes));
        Fit options = Fit.options().batchSize(8).epochs(2).verbose(0);
        try (HandScheduledMlp inMemory = model(Device.cpu(), Losses.categoricalCrossentropy());
             HandScheduledMlp streamed = model(Device.cpu(), Losses.categoricalCrossentropy());
             IdxDataset data = IdxDataset.open(images, labelFile, 3)) {
            History expected = inMemory.fit(Idx.readImages(images), Labels.oneHot(Idx.readLabels(labelFile), 3), options);
            assertEquals(expected.history(), streamed.fit(data, options).history());
        }
    }

    @Test
    void aFailedReadEndsFitNamingTheFileAndTheReaderStops() {
        int[] labels = new int[SAMPLES];
        Tensor x = TestData.threeBlobs(labels);
        try (HandScheduledMlp model = model(Device.cpu(), Losses.categoricalCrossentropy())) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> model.fit(new ArrayDataset(x, labels, 3, 77), Fit.options().batchSize(16).epochs(2).verbose(0)));
            assertEquals("blobs.bin: sample 77 is unreadable", e.getMessage());
            IOException predictFailure = assertThrows(IOException.class, () -> model.predict(new ArrayDataset(x, labels, 3, 77), 50));
            assertEquals("blobs.bin: sample 77 is unreadable", predictFailure.getMessage());
            assertNoReaderThreads();
            // the model is usable afterwards
            History history = model.fit(new ArrayDataset(x, labels, 3, -1), Fit.options().batchSize(16).verbose(0));
            assertEquals(1, history.epochs());
        }
        assertNoReaderThreads();
    }

    @Test
    void aDatasetThatDoesNotFitTheModelIsRefusedBeforeTraining() {
        Tensor x = TestData.uniform(10, 3, 1);
        int[] labels = TestData.labels(10, 3, 2);
        try (HandScheduledMlp model = model(Device.cpu(), Losses.categoricalCrossentropy())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.fit(new ArrayDataset(x, labels, 3, -1), Fit.options().verbose(0)));
            assertEquals("blobs.bin: the model's input takes 2 values per sample, but the dataset's samples hold 3", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> model.fit(new ArrayDataset(TestData.uniform(10, 2, 1), labels, 3, -1),
                    Fit.options().verbose(0).sampleWeight(Tensor.of(new float[10]))));
            assertTrue(e.getMessage().startsWith("sampleWeight weighs the samples of fit(x, y, options)"), e.getMessage());
        }
        assertNoReaderThreads();
    }

    private static void assertNoReaderThreads() {
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("annonet-reader")),
                "a reader thread outlived its fit");
    }

    private static byte[] idx(int magic, int[] dimensions, byte[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dimensions) {
            out.writeInt(d);
        }
        out.write(values);
        return bytes.toByteArray();
    }
}
