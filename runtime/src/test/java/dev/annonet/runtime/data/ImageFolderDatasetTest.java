package dev.annonet.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {
    @TempDir
    Path root;

    @Test
    void classesAreTheSortedFolderNamesAndGrayLevelsAreKeptAsStored() throws IOException {
        gray("zebra/b.png", 0, 255);
        gray("zebra/a.png", 51, 102);
        rgb("ant/x.png", 0xff0000, 0x0000ff);
        Files.writeString(Files.createDirectories(root.resolve("ant")).resolve("notes.txt"), "not an image");
        try (ImageFolderDataset data = ImageFolderDataset.open(root, 1, 2, 1)) {
            assertEquals(List.of("ant", "zebra"), data.classNames());
            assertEquals(3, data.size());
            assertEquals(2, data.inputWidth());
            assertEquals(2, data.classes());
            float[] inputs = new float[6];
            float[] targets = new float[3];
            data.read(new long[] {1, 2, 0}, 3, inputs, targets);
            assertArrayEquals(new float[] {1, 1, 0}, targets);
            assertArrayEquals(new float[] {0.2f, 0.4f, 0, 1, 0.299f, 0.114f}, inputs, 1e-6f);
        }
    }

    @Test
    void threeChannelsAreRedGreenBlueChannelsLast() throws IOException {
        rgb("only/a.png", 0x336699, 0xffffff);
        gray("only/b.png", 51, 0);
        try (ImageFolderDataset data = ImageFolderDataset.open(root, 1, 2, 3)) {
            float[] inputs = new float[12];
            data.read(new long[] {0, 1}, 2, inputs, new float[2]);
            assertArrayEquals(new float[] {0.2f, 0.4f, 0.6f, 1, 1, 1, 0.2f, 0.2f, 0.2f, 0, 0, 0}, inputs, 1e-6f);
        }
    }

    @Test
    void anImageOfAnotherSizeOrNoImageIsNamed() throws IOException {
        gray("one/a.png", 1, 2);
        Path broken = Files.writeString(root.resolve("one/b.png"), "not a png");
        try (ImageFolderDataset data = ImageFolderDataset.open(root, 2, 1, 1)) {
            IOException e = assertThrows(IOException.class, () -> data.read(new long[] {0}, 1, new float[2], new float[1]));
            assertEquals(root.resolve("one/a.png") + " is 1 x 2 pixels, but the dataset was opened for 2 x 1"
                    + " (resize the images first)", e.getMessage());
            e = assertThrows(IOException.class, () -> data.read(new long[] {1}, 1, new float[2], new float[1]));
            assertEquals(broken + " is not an image that javax.imageio can decode", e.getMessage());
        }
        Path empty = Files.createDirectories(root.resolve("empty-root/empty-class"));
        IOException e = assertThrows(IOException.class, () -> ImageFolderDataset.open(empty.getParent(), 1, 1, 1));
        assertEquals(empty.getParent() + "'s class folders [empty-class] hold no images (.png, .jpg, .jpeg, .gif, .bmp)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageFolderDataset.open(root, 1, 1, 2));
    }

    private void gray(String name, int left, int right) throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(0, 0, 0, left);
        image.getRaster().setSample(1, 0, 0, right);
        write(name, image);
    }

    private void rgb(String name, int left, int right) throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, left);
        image.setRGB(1, 0, right);
        write(name, image);
    }

    private void write(String name, BufferedImage image) throws IOException {
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }
}
