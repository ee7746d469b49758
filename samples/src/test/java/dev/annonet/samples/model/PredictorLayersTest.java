package dev.annonet.samples.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Predictor;
import dev.annonet.runtime.Tensor;
import dev.annonet.samples.cnn.MnistCnnModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Predictors of generated models with every kind of layer state: convolutions, pooling, dropout,
 * batch normalization (its moving statistics, moved by training first, read by the twin in place)
 * and stacked LSTMs (their workspace in the twin's own arena). On two threads at once, their
 * outputs equal the model's own, one sample at a time and in batches.
 */
class PredictorLayersTest {

    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor());
    }

    @ParameterizedTest
    @MethodSource("devices")
    void smallCnnWithBatchNormalization(Device device) throws Exception {
        try (SmallCnnModel model = SmallCnnModel.create(device, 7)) {
            Tensor x = uniform(12, 8, 8, 2);
            float[] y = new float[12 * 3];
            for (int i = 0; i < 12; i++) {
                y[i * 3 + i % 3] = 1;
            }
            model.compile(Optimizers.sgd(0.05f), Losses.categoricalCrossentropy());
            model.fit(x, Tensor.of(y, 12, 3), Fit.options().batchSize(4).epochs(2).verbose(0));
            assertPredictorsMatch(model, x, SmallCnnModel::predict);
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void stackedLstms(Device device) throws Exception {
        try (StackedLstmModel model = StackedLstmModel.create(device, 3)) {
            assertPredictorsMatch(model, uniform(9, 5, 4), StackedLstmModel::predict);
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void mnistCnn(Device device) throws Exception {
        try (MnistCnnModel model = MnistCnnModel.create(device, 5)) {
            assertPredictorsMatch(model, uniform(6, 28, 28, 1), MnistCnnModel::predict);
        }
    }

    private static <M extends Model> void assertPredictorsMatch(M model, Tensor x, BiFunction<M, float[], float[]> predict)
            throws Exception {
        float[][] singles = new float[x.samples()][];
        for (int i = 0; i < singles.length; i++) {
            singles[i] = predict.apply(model, x.row(i));
        }
        float[] batches = model.predict(x, 4).toArray();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                done.add(threads.submit(() -> {
                    try (Predictor predictor = model.predictor()) {
                        for (int round = 0; round < 3; round++) {
                            for (int i = 0; i < singles.length; i++) {
                                assertArrayEquals(singles[i], predictor.predict(x.row(i)), "sample " + i);
                            }
                            assertArrayEquals(batches, predictor.predict(x, 4).toArray());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdown(); // the model's memory must outlive the threads reading it
            threads.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    private static Tensor uniform(int samples, int... shape) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        Random random = new Random(samples);
        float[] values = new float[samples * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        int[] full = new int[shape.length + 1];
        full[0] = samples;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return Tensor.of(values, full);
    }
}
