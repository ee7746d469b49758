package dev.annonet.samples.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * predict and evaluate run {@code infer} over the inference arena, where tensors share memory once
 * dead, smaller than the training arena, where every tensor has its own; the outputs' activations'
 * inputs stay to the end, so evaluate's cross-entropy fused with the softmax (read from the
 * pre-activations) is the cross-entropy of predict's probabilities.
 */
class InferenceArenaTest {

    static Stream<Arguments> networks() {
        Function<Device, Model> residual = device -> ResidualBlockModel.create(device, 2);
        Function<Device, Model> inception = device -> InceptionBlockModel.create(device, 2);
        Function<Device, Model> lstm = device -> StackedLstmModel.create(device, 2);
        Function<Device, Model> cnn = device -> SmallCnnModel.create(device, 2);
        return Stream.of(
                Arguments.of("ResidualBlock", residual, Device.cpu(), new int[] {8, 8, 4}, 5,
                        ResidualBlockModel.PREDICTION_VALUES_PER_SAMPLE),
                Arguments.of("ResidualBlock", residual, Device.cudaHostExecutor(), new int[] {8, 8, 4}, 5,
                        ResidualBlockModel.PREDICTION_VALUES_PER_SAMPLE),
                Arguments.of("InceptionBlock", inception, Device.cpu(), new int[] {8, 8, 3}, 5,
                        InceptionBlockModel.PREDICTION_VALUES_PER_SAMPLE),
                Arguments.of("StackedLstm", lstm, Device.cpu(), new int[] {5, 4}, 4,
                        StackedLstmModel.PREDICTION_VALUES_PER_SAMPLE),
                Arguments.of("SmallCnn", cnn, Device.reference(), new int[] {8, 8, 2}, 3,
                        SmallCnnModel.PREDICTION_VALUES_PER_SAMPLE));
    }

    @ParameterizedTest(name = "{0} on {2}")
    @MethodSource("networks")
    void evaluateGivesTheCrossEntropyOfThePredictions(String name, Function<Device, Model> create, Device device,
                                                      int[] shape, int classes, long predictionPerSample) {
        int samples = 12;
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        Random random = new Random(9);
        float[] x = new float[samples * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        float[] y = new float[samples * classes];
        for (int i = 0; i < samples; i++) {
            y[i * classes + random.nextInt(classes)] = 1;
        }
        int[] batchShape = new int[shape.length + 1];
        batchShape[0] = samples;
        System.arraycopy(shape, 0, batchShape, 1, shape.length);
        Tensor inputs = Tensor.of(x, batchShape);
        try (Model model = create.apply(device)) {
            model.compile(Optimizers.sgd(), Losses.categoricalCrossentropy());
            double evaluated = model.evaluate(inputs, Tensor.of(y, samples, classes), 5).loss();
            float[] probabilities = model.predict(inputs, 5).toArray();
            double crossEntropy = 0;
            for (int i = 0; i < samples * classes; i++) {
                crossEntropy -= y[i] * Math.log(probabilities[i]);
            }
            assertEquals(evaluated, crossEntropy / samples, 1e-5 * evaluated, name);
            long trainingArena = ModelInternals.trainingActivationValues(model);
            assertTrue(predictionPerSample < trainingArena, name + ": " + predictionPerSample + " values per sample to"
                    + " predict, " + trainingArena + " in the training arena");
        }
    }
}
