package dev.annonet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {
    @TempDir
    Path directory;

    @Test
    void loadsGzippedAndPlainFilesFromADirectory() throws IOException {
        Files.write(directory.resolve("train-images-idx3-ubyte.gz"), IdxTest.gzip(IdxTest.images(2, 1, 2, 0, 255, 255, 0)));
        Files.write(directory.resolve("train-labels-idx1-ubyte"), IdxTest.labels(3, 8));
        Files.write(directory.resolve("t10k-images-idx3-ubyte"), IdxTest.images(1, 1, 2, 51, 0));
        Files.write(directory.resolve("t10k-labels-idx1-ubyte.gz"), IdxTest.gzip(IdxTest.labels(5)));
        Mnist mnist = Mnist.load(directory);
        assertArrayEquals(new float[] {0, 1, 1, 0}, mnist.trainImages().toArray());
        assertArrayEquals(new int[] {3, 8}, mnist.trainLabels());
        assertArrayEquals(new float[] {0.2f, 0}, mnist.testImages().toArray());
        assertArrayEquals(new int[] {5}, mnist.testLabels());
    }

    @Test
    void loadsThroughAnOpenerSuchAsJarResources() throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        files.put("train-images-idx3-ubyte.gz", IdxTest.gzip(IdxTest.images(1, 1, 1, 255)));
        files.put("train-labels-idx1-ubyte.gz", IdxTest.gzip(IdxTest.labels(4)));
        files.put("t10k-images-idx3-ubyte.gz", IdxTest.gzip(IdxTest.images(1, 1, 1, 0)));
        files.put("t10k-labels-idx1-ubyte.gz", IdxTest.gzip(IdxTest.labels(2)));
        Mnist mnist = Mnist.load(name -> files.containsKey(name) ? new ByteArrayInputStream(files.get(name)) : null);
        assertArrayEquals(new int[] {4}, mnist.trainLabels());
        assertArrayEquals(new float[] {0}, mnist.testImages().toArray());
    }

    @Test
    void aMissingFileIsNamedWithBothNamesTried() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Mnist.load(directory));
        String gz = directory.resolve("train-images-idx3-ubyte.gz").toString();
        String plain = directory.resolve("train-images-idx3-ubyte").toString();
        assertEquals(gz + ": neither it nor " + plain + " exists", e.getMessage());
    }

    @Test
    void imagesAndLabelsMustAgreeInNumber() throws IOException {
        Files.write(directory.resolve("train-images-idx3-ubyte"), IdxTest.images(2, 1, 1, 0, 0));
        Files.write(directory.resolve("train-labels-idx1-ubyte"), IdxTest.labels(1));
        Files.write(directory.resolve("t10k-images-idx3-ubyte"), IdxTest.images(1, 1, 1, 0));
        Files.write(directory.resolve("t10k-labels-idx1-ubyte"), IdxTest.labels(1));
        IOException e = assertThrows(IOException.class, () -> Mnist.load(directory));
        assertTrue(e.getMessage().endsWith("train-images-idx3-ubyte holds 2 images, but "
                + directory.resolve("train-labels-idx1-ubyte") + " holds 1 labels"), e.getMessage());
    }

    @Test
    void aCorruptGzippedFileIsNamedWithItsSuffix() throws IOException {
        byte[] zipped = IdxTest.gzip(IdxTest.images(1, 1, 1, 0));
        zipped[zipped.length - 8] ^= 1;
        Files.write(directory.resolve("train-images-idx3-ubyte.gz"), zipped);
        IOException e = assertThrows(IOException.class, () -> Mnist.load(directory));
        assertTrue(e.getMessage().startsWith(directory.resolve("train-images-idx3-ubyte.gz") + ": corrupt gzip data: member 1's CRC-32"),
                e.getMessage());
    }

    @Test
    void aDirectoryInAFilesPlaceIsNamed() throws IOException {
        Files.createDirectory(directory.resolve("train-images-idx3-ubyte"));
        IOException e = assertThrows(IOException.class, () -> Mnist.load(directory));
        assertEquals(directory.resolve("train-images-idx3-ubyte") + ": Is a directory", e.getMessage());
    }

    /** The real subset, when this machine has it. */
    @Test
    void readsTheSharedMnistSubsetWhenPresent() throws IOException {
        Path shared = Path.of("/work/shared/data/mnist-10k");
        assumeTrue(Files.isDirectory(shared), "no MNIST subset here");
        Mnist mnist = Mnist.load(shared);
        assertEquals(784, mnist.trainImages().size(1));
        assertEquals(mnist.trainImages().samples(), mnist.trainLabels().length);
        assertEquals(mnist.testImages().samples(), mnist.testLabels().length);
        for (int label : mnist.trainLabels()) {
            assertTrue(label >= 0 && label <= 9);
        }
    }
}
