package dev.annonet.applications;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Each application is created on the CPU with its random initial weights, summarizes itself,
 * predicts a batch of 8 images (1000 probabilities each, every row summing to 1) and trains one
 * step of SGD at the largest batch up to 8 whose activations fit the CPU backend's buffers
 * (Xception 7: at 8 its activation arena holds 575 million values, past one buffer's 2^29 floats;
 * InceptionResNetV2's holds 500 million).
 * 62 s for the seven on two cores (222 s while other builds shared them).
 */
class CreatedAndRunTest {
    private static final int PREDICT_BATCH = 8;

    @Test
    void vgg16() {
        createRunAndTrain(VGG16Model::create, 224, 8, VGG16Model.PARAMETER_COUNT);
    }

    @Test
    void vgg19() {
        createRunAndTrain(VGG19Model::create, 224, 8, VGG19Model.PARAMETER_COUNT);
    }

    @Test
    void resNet50() {
        createRunAndTrain(ResNet50Model::create, 224, 8, ResNet50Model.PARAMETER_COUNT);
    }

    @Test
    void inceptionV3() {
        createRunAndTrain(InceptionV3Model::create, 299, 8, InceptionV3Model.PARAMETER_COUNT);
    }

    @Test
    void inceptionResNetV2() {
        createRunAndTrain(InceptionResNetV2Model::create, 299, 8, InceptionResNetV2Model.PARAMETER_COUNT);
    }

    @Test
    void mobileNet() {
        createRunAndTrain(MobileNetModel::create, 224, 8, MobileNetModel.PARAMETER_COUNT);
    }

    @Test
    void xception() {
        createRunAndTrain(XceptionModel::create, 299, 7, XceptionModel.PARAMETER_COUNT);
    }

    private static void createRunAndTrain(BiFunction<Device, Long, ? extends Model> create, int side, int trainBatch,
            long parameters) {
        Tensor images = randomImages(PREDICT_BATCH, side);
        try (Model model = create.apply(Device.cpu(), 7L)) {
            assertEquals(parameters, model.parameterCount());
            String summary = model.summaryText();
            assertTrue(summary.contains(String.format(Locale.ROOT, "Total params: %,d\n", parameters)), summary);
            assertTrue(summary.contains("predictions"), summary);
            Tensor probabilities = model.predict(images, PREDICT_BATCH);
            assertArrayEquals(new int[] {PREDICT_BATCH, 1000}, probabilities.shape());
            for (int i = 0; i < PREDICT_BATCH; i++) {
                double sum = 0;
                for (float p : probabilities.row(i)) {
                    assertTrue(p >= 0, "a probability below 0 in row " + i);
                    sum += p;
                }
                assertEquals(1.0, sum, 1e-4, "row " + i);
            }
            model.compile(Optimizers.sgd(0.01f), Losses.categoricalCrossentropy());
            int[] classes = new SplittableRandom(13).ints(trainBatch, 0, 1000).toArray();
            History history = model.fit(randomImages(trainBatch, side), Labels.oneHot(classes, 1000),
                    Fit.options().batchSize(trainBatch).epochs(1).verbose(0));
            double loss = history.get("loss").get(0);
            assertTrue(Double.isFinite(loss) && loss > 0, "loss " + loss);
        }
    }

    private static Tensor randomImages(int count, int side) {
        SplittableRandom random = new SplittableRandom(11);
        float[] values = new float[count * side * side * 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return Tensor.of(values, count, side, side, 3);
    }
}
