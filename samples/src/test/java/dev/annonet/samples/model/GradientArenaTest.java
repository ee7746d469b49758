package dev.annonet.samples.model;

import static dev.annonet.samples.model.FixtureAssertions.assertClose;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Loss;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.ModelInternals;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No backward op relies on the memory of the activations' gradients holding anything before the
 * step writes it (zeros, or the same gradient of the step before): the gradients share memory by
 * liveness, so the first writer of each must overwrite it and the later readers of a fanned-out
 * tensor add in after it. A training step whose gradient arena was filled with NaN first gives the
 * weight gradients of the same step over a zeroed one. (That each gradient is right, memory shared
 * or not, the PyTorch fixtures and the gradient checks show.) Networks with fan-out and every
 * merge, convolutions, batch normalization, pooling, padding and cropping, depthwise and separable
 * convolutions and stacked LSTMs; with a loss that fuses with the softmax output and one that does
 * not; on every backend.
 */
class GradientArenaTest {
    private static final int SAMPLES = 3;

    static Stream<Arguments> networks() {
        List<Arguments> cases = new ArrayList<>();
        Map<String, Network> networks = new LinkedHashMap<>();
        networks.put("ResidualBlock", new Network(device -> ResidualBlockModel.create(device, 1), new int[] {8, 8, 4}, 5));
        networks.put("InceptionBlock", new Network(device -> InceptionBlockModel.create(device, 1), new int[] {8, 8, 3}, 5));
        networks.put("ApplicationLayers", new Network(device -> ApplicationLayersModel.create(device, 1), new int[] {8, 8, 3}, 5));
        networks.put("FanOut", new Network(device -> FanOutModel.create(device, 1), new int[] {2, 3}, 4, 2));
        networks.put("DepthwiseSeparable", new Network(device -> DepthwiseSeparableModel.create(device, 1), new int[] {7, 6, 2}, 2));
        networks.put("SmallSeparable", new Network(device -> SmallSeparableModel.create(device, 1), new int[] {8, 8, 3}, 3));
        networks.put("SmallCnn", new Network(device -> SmallCnnModel.create(device, 1), new int[] {8, 8, 2}, 3));
        networks.put("StackedLstm", new Network(device -> StackedLstmModel.create(device, 1), new int[] {5, 4}, 4));
        for (Device device : List.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor())) {
            networks.forEach((name, network) -> {
                cases.add(Arguments.of(name, network, device, Losses.categoricalCrossentropy()));
                cases.add(Arguments.of(name, network, device, Losses.meanSquaredError()));
            });
        }
        return cases.stream();
    }

    /** How to create a network, and the shapes of a sample's input and output. */
    record Network(Function<Device, Model> create, int[] input, int... output) {
    }

    @ParameterizedTest(name = "{0} on {2} with {3}")
    @MethodSource("networks")
    void aStepOverAGradientArenaOfNaNGivesTheSameGradients(String name, Network network, Device device, Loss loss) {
        Random random = new Random(5);
        Tensor x = Tensor.of(WeightGradients.uniform(random, SAMPLES * size(network.input())), shape(network.input()));
        Tensor y = Tensor.of(WeightGradients.uniform(random, SAMPLES * size(network.output())), shape(network.output()));
        Map<String, float[]> expected = gradientsOfOneStep(network, device, loss, x, y, 0f);
        Map<String, float[]> actual = gradientsOfOneStep(network, device, loss, x, y, Float.NaN);
        expected.forEach((weight, values) -> assertClose(name + " " + weight, values, actual.get(weight), 1e-6));
    }

    /** The trainable weights' gradients of one step on a new model, its gradient arena filled with {@code before} first. */
    private static Map<String, float[]> gradientsOfOneStep(Network network, Device device, Loss loss, Tensor x, Tensor y,
                                                          float before) {
        try (Model model = network.create().apply(device)) {
            model.compile(Optimizers.sgd(0.1f), loss);
            ModelInternals.BatchStep step = ModelInternals.trainingStep(model, x, y, IntStream.range(0, SAMPLES).toArray());
            ModelInternals.fillActivationGradients(model, before);
            step.train(0, SAMPLES);
            Map<String, float[]> gradients = new LinkedHashMap<>();
            for (Weights weight : model.weights()) {
                if (weight.trainable()) {
                    gradients.put(weight.name(), ModelInternals.gradient(model, weight.name()));
                }
            }
            return gradients;
        }
    }

    private static int size(int[] sample) {
        return IntStream.of(sample).reduce(1, Math::multiplyExact);
    }

    /** The shape of {@link #SAMPLES} samples of {@code sample}'s shape. */
    private static int[] shape(int[] sample) {
        return IntStream.concat(IntStream.of(SAMPLES), IntStream.of(sample)).toArray();
    }
}
