package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryPlotTest {
    @TempDir
    Path dir;

    @Test
    void drawsOnePanelPerQuantityIntoADecodablePng() throws IOException {
        Path png = dir.resolve("curves/mnist.png");

        history(new double[] {0.9, 0.5, 0.3, 0.25}, new double[] {0.7, 0.85, 0.9, 0.92}).plot(png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " is not an image ImageIO reads");
        assertEquals(2 * Curves.PANEL_WIDTH, image.getWidth(), "loss and accuracy side by side");
        assertEquals(Curves.PANEL_HEIGHT, image.getHeight());
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void otherValuesDrawOtherCurves() throws IOException {
        Path first = dir.resolve("first.png");
        Path second = dir.resolve("second.png");
        history(new double[] {0.9, 0.5, 0.3}, new double[] {0.7, 0.85, 0.9}).plot(first);
        history(new double[] {0.9, 0.5, 0.3}, new double[] {0.7, 0.8, 0.9}).plot(second);
        history(new double[] {0.9, 0.5, 0.3}, new double[] {0.7, 0.85, 0.9}).plot(dir.resolve("again.png"));

        assertFalse(Arrays.equals(pixels(first), pixels(second)));
        assertTrue(Arrays.equals(pixels(first), pixels(dir.resolve("again.png"))), "the same history draws the same image");
    }

    @Test
    void aLossOnlyHistoryWithoutValidationIsOnePanel() throws IOException {
        History history = new History(List.of("loss"));
        history.record("loss", 1.5);
        history.record("loss", Double.NaN); // a diverged epoch leaves a gap
        Path png = dir.resolve("loss.png");

        history.plot(png);

        assertEquals(Curves.PANEL_WIDTH, ImageIO.read(png.toFile()).getWidth());
    }

    @Test
    void aPathThatCannotBeWrittenIsNamed() throws IOException {
        Path directory = Files.createDirectory(dir.resolve("taken.png"));
        History history = history(new double[] {1}, new double[] {0.5});

        IOException e = assertThrows(IOException.class, () -> history.plot(directory));

        assertTrue(e.getMessage().startsWith("cannot write " + directory), e.getMessage());
    }

    @Test
    void anEmptyHistoryHasNothingToDraw() {
        History history = new History(List.of("loss"));
        Path png = dir.resolve("empty.png");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> history.plot(png));

        assertEquals("no curves to draw to " + png + ": the history holds no epoch", e.getMessage());
    }

    private static History history(double[] loss, double[] accuracy) {
        History history = new History(List.of("loss", "accuracy", "val_loss", "val_accuracy"));
        for (int epoch = 0; epoch < loss.length; epoch++) {
            history.record("loss", loss[epoch]);
            history.record("accuracy", accuracy[epoch]);
            history.record("val_loss", loss[epoch] * 1.1 + 0.05);
            history.record("val_accuracy", accuracy[epoch] - 0.03);
        }
        return history;
    }

    private static int[] pixels(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
