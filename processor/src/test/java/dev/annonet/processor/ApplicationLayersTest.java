package dev.annonet.processor;

import static dev.annonet.processor.Networks.assertError;
import static dev.annonet.processor.Networks.compile;
import static dev.annonet.processor.Networks.network;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.processor.plan.NetworkPlan;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The layers and options the Keras Applications need: ReLU with its maximum (MobileNet's ReLU6),
 * BatchNormalization without scale or center, Cropping2D: shapes, weights in Keras's order,
 * parameter counts, the generated calls and the mistakes, each reported at its attribute.
 */
class ApplicationLayersTest {
    private static final String IMAGE = "@Input(shape = {6, 6, 4}) Layer image();";

    /** Keras: gamma, beta, moving_mean, moving_variance, the absent ones left out; 4 values each for 4 channels. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "                             | norm.gamma norm.beta norm.moving_mean norm.moving_variance | 16",
        "scale = false                | norm.beta norm.moving_mean norm.moving_variance            | 12",
        "center = false               | norm.gamma norm.moving_mean norm.moving_variance           | 12",
        "center = false, scale = false | norm.moving_mean norm.moving_variance                     | 8",
    })
    void batchNormalizationWeightsAsKeras(String options, String weights, long parameters) {
        NetworkPlan plan = PlanCapture.plan(network("Norm", IMAGE,
                "@BatchNormalization(" + (options == null ? "" : options) + ") Layer norm();"));
        assertEquals(weights, plan.parameters().stream().map(p -> p.name()).collect(Collectors.joining(" ")));
        assertEquals(parameters, plan.layers().get(1).parameterCount());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "scale = false  | batchNorm(true, batch * 36, 4, 0.99, 0.001, a, batch * IMAGE, null, 0, p, NORM_BETA,",
        "center = false | batchNorm(true, batch * 36, 4, 0.99, 0.001, a, batch * IMAGE, p, NORM_GAMMA, null, 0,",
        "scale = false  | batchNormBackward(batch * 36, 4, a, batch * IMAGE, null, 0, a, batch * NORM_STATISTICS, d, batch * Gradients.NORM, null, 0, g, NORM_BETA,",
        "center = false | batchNormBackward(batch * 36, 4, a, batch * IMAGE, p, NORM_GAMMA, a, batch * NORM_STATISTICS, d, batch * Gradients.NORM, g, NORM_GAMMA, null, 0,",
    })
    void absentGammaOrBetaIsNullInTheGeneratedCalls(String options, String call) {
        Networks.assertGeneratedContains(compile(network("Norm", IMAGE, "@BatchNormalization(" + options + ") Layer norm();",
                "@Flatten Layer flat();", "@Dense(units = 2, activation = SOFTMAX) Layer output();")),
                "example.NormModel", call);
    }

    @Test
    void reluSixIsTheActivationMachinerysReluWithAMaximum() {
        NetworkPlan plan = PlanCapture.plan(network("Mobile", IMAGE, "@ReLU(maxValue = 6) Layer conv1_relu();"));
        assertEquals("ReLU", plan.layers().get(1).kerasType());
        assertEquals(0, plan.layers().get(1).parameterCount());
        Networks.assertGeneratedContains(compile(network("Mobile", IMAGE, "@ReLU(maxValue = 6) Layer conv1_relu();",
                        "@ReLU Layer plain();", "@ReLU(negativeSlope = 0.1, threshold = 0.5) Layer leaky();")),
                "example.MobileModel",
                "CONV1_RELU_ACTIVATION = ActivationFunction.relu(6.0, 0.0, 0.0);",
                "PLAIN_ACTIVATION = ActivationFunction.of(Activation.Kind.RELU);",
                "LEAKY_ACTIVATION = ActivationFunction.relu(Double.POSITIVE_INFINITY, 0.1, 0.5);",
                ".layer(\"conv1_relu\", \"ReLU\", new int[] {6, 6, 4}, 0,");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "maxValue = 0         | @ReLU(maxValue = 0) must be positive (Double.POSITIVE_INFINITY for no maximum)",
        "maxValue = -1        | @ReLU(maxValue = -1) must be positive",
        "maxValue = Double.NaN | @ReLU(maxValue = NaN) must be positive",
        "negativeSlope = -0.1 | @ReLU(negativeSlope = -0.1) must be finite and not negative",
        "threshold = -1       | @ReLU(threshold = -1) must be finite and not negative",
        "threshold = Double.POSITIVE_INFINITY | @ReLU(threshold = Infinity) must be finite and not negative",
    })
    void reluMistakesAtTheirAttribute(String option, String message) {
        assertError(network("Bad", IMAGE, "@ReLU(" + option + ") Layer relu();"), "relu: " + message, option);
    }

    /** Over a (6, 6, 4) image. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "                      | 6 | 6",
        "cropping = 1          | 4 | 4",
        "cropping = {1, 2}     | 4 | 2",
        "cropping = {0, 2, 3, 0} | 4 | 3",
        "cropping = {5, 0, 0, 5} | 1 | 1",
    })
    void croppingShapesAsKeras(String options, int height, int width) {
        NetworkPlan plan = PlanCapture.plan(network("Crop", IMAGE,
                "@Cropping2D(" + (options == null ? "" : options) + ") Layer crop();"));
        assertEquals(List.of(height, width, 4), plan.outputs().get(0).port().shape().dims());
        assertEquals("Cropping2D", plan.layers().get(1).kerasType());
        assertEquals(0, plan.layers().get(1).parameterCount());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "cropping = {1, 2, 3}    | @Cropping2D(cropping = {1, 2, 3}) takes one size, two {vertical, horizontal} or four",
        "cropping = {0, -1}      | @Cropping2D(cropping = {0, -1}) must not be negative",
        "cropping = 3            | @Cropping2D(cropping = 3) leaves nothing of its input 'image' of shape (6, 6, 4): at most 5 rows and 5 columns",
        "cropping = {2, 4, 0, 0} | @Cropping2D(cropping = {2, 4, 0, 0}) leaves nothing",
        "cropping = {0, 0, 6, 0} | @Cropping2D(cropping = {0, 0, 6, 0}) leaves nothing",
    })
    void croppingMistakesAtTheirAttribute(String option, String message) {
        assertError(network("Bad", IMAGE, "@Cropping2D(" + option + ") Layer crop();"), "crop: " + message, option);
    }

    @Test
    void croppingOfAFlatInput() {
        assertError(network("Bad", "@Input(shape = 5) Layer x();", "@Cropping2D(cropping = 1) Layer crop();"),
                "@Cropping2D takes an input of shape (height, width, channels), but its input 'x' has shape (5)",
                "Cropping2D");
    }
}
