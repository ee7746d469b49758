package dev.annonet.samples.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The memory the processor counts at compile time (the generated {@code MODEL_VALUES},
 * {@code PREDICTION_VALUES_PER_SAMPLE} and {@code TRAINING_VALUES_PER_SAMPLE}) is what the
 * runtime allocates: after create, after a prediction at a batch of 8, after an evaluation and
 * after training at 8. A prediction holds {@code PREDICTION_VALUES_PER_SAMPLE} less the
 * convolution scratch its backend does not use; an evaluation adds the targets and the loss's
 * weights (one a sample here) in the same arena.
 */
class MemoryCountsTest {
    private static final int BATCH = 8;

    @Test
    void aConvolutionWithBatchNormalization() {
        try (SmallCnnModel model = SmallCnnModel.create(Device.cpu(), 1)) {
            assertCounts(model, SmallCnnModel.MODEL_VALUES, SmallCnnModel.PREDICTION_VALUES_PER_SAMPLE,
                    SmallCnnModel.TRAINING_VALUES_PER_SAMPLE, new int[] {8, 8, 2}, 3);
        }
    }

    @Test
    void aResidualBlockWhoseInputFansOut() {
        try (ResidualBlockModel model = ResidualBlockModel.create(Device.cpu(), 1)) {
            assertCounts(model, ResidualBlockModel.MODEL_VALUES, ResidualBlockModel.PREDICTION_VALUES_PER_SAMPLE,
                    ResidualBlockModel.TRAINING_VALUES_PER_SAMPLE, new int[] {8, 8, 4}, 5);
        }
    }

    /**
     * Where the CPU has AVX-512, the CPU backend convolves the wide layer's 16 input channels
     * without im2col, so a prediction holds only the RGB layer's columns (64 positions x 27) of the
     * scratch the processor sizes to the wide layer's (64 x 144); elsewhere it holds all of it.
     */
    @Test
    void aWideConvolutionThatTheCpuMayConvolveWithoutColumns() throws IOException {
        // The kernels ask the processor (cpuid); the test reads the flags Linux reports of it.
        boolean avx512 = Files.readString(Path.of("/proc/cpuinfo")).contains(" avx512f");
        long unusedColumns = avx512 ? 64 * 144 - 64 * 27 : 0;
        try (WideConvolutionsModel model = WideConvolutionsModel.create(Device.cpu(), 1)) {
            assertCounts(model, WideConvolutionsModel.MODEL_VALUES,
                    WideConvolutionsModel.PREDICTION_VALUES_PER_SAMPLE - unusedColumns,
                    WideConvolutionsModel.TRAINING_VALUES_PER_SAMPLE, new int[] {8, 8, 3}, 3);
        }
    }

    private static void assertCounts(Model model, long modelValues, long predictionPerSample, long trainingPerSample,
                                     int[] inputShape, int classes) {
        assertEquals(modelValues, ModelInternals.allocatedValues(model), "after create");
        Random random = new Random(4);
        float[] x = new float[2 * BATCH * inputShape[0] * inputShape[1] * inputShape[2]];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat();
        }
        float[] y = new float[2 * BATCH * classes];
        for (int i = 0; i < 2 * BATCH; i++) {
            y[i * classes + i % classes] = 1;
        }
        Tensor inputs = Tensor.of(x, 2 * BATCH, inputShape[0], inputShape[1], inputShape[2]);
        model.predict(inputs, BATCH);
        assertEquals(modelValues + BATCH * predictionPerSample, ModelInternals.allocatedValues(model), "after predict");
        model.compile(Optimizers.sgd(0.01f), Losses.categoricalCrossentropy());
        Tensor targets = Tensor.of(y, 2 * BATCH, classes);
        model.evaluate(inputs, targets, BATCH);
        assertEquals(modelValues + BATCH * (predictionPerSample + classes + 1), ModelInternals.allocatedValues(model),
                "after evaluate");
        model.fit(inputs, targets, Fit.options().batchSize(BATCH).epochs(1).verbose(0));
        assertEquals(modelValues + BATCH * trainingPerSample, ModelInternals.allocatedValues(model), "after fit");
    }
}
