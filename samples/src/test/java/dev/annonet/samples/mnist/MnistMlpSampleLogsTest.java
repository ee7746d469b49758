package dev.annonet.samples.mnist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.data.Mnist;
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

/** What the sample leaves in its logs directory, from a short run on a few digits. */
class MnistMlpSampleLogsTest {
    private static final int SUBSET = 512;

    @TempDir
    Path logs;

    @Test
    void writesTheTrainingCurvesAndATensorBoardRun() throws IOException {
        Mnist all = EmbeddedMnist.load();
        Mnist subset = new Mnist(Tensor.of(Arrays.copyOf(all.trainImages().toArray(), SUBSET * 784), SUBSET, 784),
                Arrays.copyOf(all.trainLabels(), SUBSET), all.testImages(), all.testLabels());

        MnistMlpSample.train(subset, new MnistMlpSample.Options(null, 2, 64, Device.cpu(), 42, 0, logs));

        BufferedImage curves = ImageIO.read(logs.resolve("curves.png").toFile());
        assertNotNull(curves, "curves.png is not a PNG");
        assertEquals(2 * 640, curves.getWidth(), "a panel for the loss and one for the accuracy");
        List<Path> runs;
        try (Stream<Path> dirs = Files.list(logs.resolve("tensorboard"))) {
            runs = dirs.toList();
        }
        assertEquals(1, runs.size(), runs.toString());
        for (String part : List.of("train", "validation")) {
            try (Stream<Path> files = Files.list(runs.get(0).resolve(part))) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("events.out.tfevents.")), part);
            }
        }
    }
}
