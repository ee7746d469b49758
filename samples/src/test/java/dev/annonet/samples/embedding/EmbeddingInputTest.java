package dev.annonet.samples.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Indices fed to an Embedding are checked before training starts, so a bad one changes nothing. */
class EmbeddingInputTest {
    @Test
    void anIndexOutsideTheVocabularyIsRejectedBeforeAnyStep() {
        // The bad index sits in the last batch: checked per batch, earlier batches would have trained.
        Tensor x = Tensor.of(new float[][] {{0, 1, 2}, {3, 4, 0}, {1, 1, 1}, {2, 5, 0}});
        Tensor y = Labels.oneHot(new int[] {0, 1, 0, 1}, 2);
        try (TinyEmbeddingModel model = TinyEmbeddingModel.create(Device.cpu(), 1)) {
            model.compile(Optimizers.adam(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            float[] before = model.out().kernel().toArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.fit(x, y, Fit.options().batchSize(1).epochs(1).shuffle(false).verbose(0)));
            assertEquals("x holds 5.0 at sample 3, value 1, but input 'words' feeds an Embedding and takes whole numbers"
                    + " in [0, 5)", e.getMessage());
            assertArrayEquals(before, model.out().kernel().toArray());
            assertThrows(IllegalArgumentException.class, () -> model.predict(Tensor.of(new float[][] {{0.5f, 1, 2}})));
        }
    }

    @Test
    void wholeIndicesTrain() {
        Tensor x = Tensor.of(new float[][] {{0, 1, 2}, {3, 4, 0}});
        Tensor y = Labels.oneHot(new int[] {0, 1}, 2);
        try (TinyEmbeddingModel model = TinyEmbeddingModel.create(Device.cpu(), 1)) {
            model.compile(Optimizers.adam(0.1f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            model.fit(x, y, Fit.options().batchSize(2).epochs(50).verbose(0));
            assertEquals(1.0, model.evaluate(x, y).get("accuracy"));
        }
    }
}
