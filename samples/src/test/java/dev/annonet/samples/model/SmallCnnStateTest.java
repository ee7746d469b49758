package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.weight;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BatchNormalization's moving statistics as state parameters: counted as non-trainable, left
 * alone by the optimizer but updated by training, saved and loaded with the weights, and used by
 * inference.
 */
class SmallCnnStateTest {

    @Test
    void movingStatisticsAreNonTrainableUpdatedSavedAndLoaded(@TempDir Path directory) throws IOException {
        Random random = new Random(3);
        float[] x = new float[10 * 8 * 8 * 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        float[] y = new float[10 * 3];
        for (int i = 0; i < 10; i++) {
            y[i * 3 + i % 3] = 1;
        }
        Path file = directory.resolve("cnn.safetensors");
        float[] saved;
        float[] predicted;
        try (SmallCnnModel model = SmallCnnModel.create(Device.cpu(), 7)) {
            assertEquals(8, model.nonTrainableParameterCount());
            assertTrue(model.summaryText().contains("norm (BatchNormalization)   (None, 4, 4, 4)           16"),
                    model.summaryText());
            assertTrue(model.summaryText().contains("Non-trainable params: 8"), model.summaryText());
            assertArrayEquals(new float[] {1, 1, 1, 1}, weight(model, "norm.moving_variance").toArray());
            model.compile(Optimizers.sgd(0.01f), Losses.categoricalCrossentropy());
            model.fit(Tensor.of(x, 10, 8, 8, 2), Tensor.of(y, 10, 3), Fit.options().batchSize(5).epochs(2).verbose(0));
            saved = weight(model, "norm.moving_mean").toArray();
            assertNotEquals(0f, saved[0], "training moved the moving mean");
            predicted = model.predict(Tensor.of(x, 10, 8, 8, 2)).toArray();
            model.save(file);
        }
        assertTrue(Files.size(file) > 0);
        try (SmallCnnModel model = SmallCnnModel.create(Device.reference(), 8)) {
            model.load(file);
            assertArrayEquals(saved, weight(model, "norm.moving_mean").toArray());
            float[] again = model.predict(Tensor.of(x, 10, 8, 8, 2)).toArray();
            for (int i = 0; i < again.length; i++) {
                assertEquals(predicted[i], again[i], 1e-4, "inference with the loaded moving statistics, value " + i);
            }
        }
    }
}
