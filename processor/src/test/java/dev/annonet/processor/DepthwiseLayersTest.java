package dev.annonet.processor;

import static dev.annonet.processor.Networks.assertError;
import static dev.annonet.processor.Networks.compile;
import static dev.annonet.processor.Networks.network;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.contract.Initializer;
import dev.annonet.processor.plan.NetworkPlan;
import dev.annonet.processor.plan.WeightValues;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code @DepthwiseConv2D} and {@code @SeparableConv2D}: Keras's shapes, parameter counts and
 * weights, their lowering, their mistakes.
 */
class DepthwiseLayersTest {

    /** Output shape and Keras's summary count over an (8, 8, 3) input; the last rows are MobileNet's and Xception's. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "DepthwiseConv2D(kernel = 3                                       | 3, 8, 8   | 6, 6, 3   | 30",
        "DepthwiseConv2D(kernel = 3, depthMultiplier = 2                  | 3, 8, 8   | 6, 6, 6   | 60",
        "DepthwiseConv2D(kernel = 3, strides = 2, padding = Padding.SAME  | 3, 8, 8   | 4, 4, 3   | 30",
        "DepthwiseConv2D(kernel = 3, strides = 2                          | 3, 8, 8   | 3, 3, 3   | 30",
        "DepthwiseConv2D(kernel = {3, 2}, dilation = 2, padding = Padding.SAME | 3, 8, 8 | 8, 8, 3 | 21",
        "DepthwiseConv2D(kernel = 3, useBias = false                      | 3, 8, 8   | 6, 6, 3   | 27",
        "SeparableConv2D(filters = 5, kernel = 3                          | 3, 8, 8   | 6, 6, 5   | 47",
        "SeparableConv2D(filters = 5, kernel = 3, depthMultiplier = 2     | 3, 8, 8   | 6, 6, 5   | 89",
        "SeparableConv2D(filters = 5, kernel = 3, strides = 2, padding = Padding.SAME, useBias = false | 3, 8, 8 | 4, 4, 5 | 42",
        "DepthwiseConv2D(kernel = 3, padding = Padding.SAME, useBias = false | 32, 112, 112 | 112, 112, 32 | 288",
        "SeparableConv2D(filters = 128, kernel = 3, padding = Padding.SAME, useBias = false | 64, 147, 147 | 147, 147, 128 | 8768",
    })
    void shapeAndParameterCountAsKeras(String layer, String channelsAndSize, String output, long parameters) {
        String[] input = channelsAndSize.split(", ");
        NetworkPlan plan = PlanCapture.plan(network("Images",
                "@Input(shape = {" + input[1] + ", " + input[2] + ", " + input[0] + "}) Layer x();",
                "@" + layer + ") Layer conv();"));
        assertEquals(output, plan.outputs().get(0).port().shape().dims().stream().map(String::valueOf)
                .collect(Collectors.joining(", ")));
        assertEquals(parameters, plan.layers().get(1).parameterCount());
        assertEquals(layer.substring(0, layer.indexOf('(')), plan.layers().get(1).kerasType());
    }

    @Test
    void depthwiseKernelIsKerasLayoutWithGlorotFans() {
        NetworkPlan plan = PlanCapture.plan(network("Images",
                "@Input(shape = {8, 8, 3}) Layer x();",
                "@DepthwiseConv2D(kernel = {3, 2}, depthMultiplier = 2) Layer conv();"));
        assertEquals("conv.depthwise_kernel(3, 2, 3, 2) conv.bias(6)", names(plan));
        assertEquals(WeightValues.trained(Initializer.glorotUniform(6 * 3, 6 * 2)), plan.parameters().get(0).values());
        assertEquals(WeightValues.trained(Initializer.zeros()), plan.parameters().get(1).values());
    }

    @Test
    void separableWeightsAreKerasOrderAndLayout() {
        NetworkPlan plan = PlanCapture.plan(network("Images",
                "@Input(shape = {8, 8, 3}) Layer x();",
                "@SeparableConv2D(filters = 5, kernel = 3, depthMultiplier = 2) Layer conv();"));
        assertEquals("conv.depthwise_kernel(3, 3, 3, 2) conv.pointwise_kernel(1, 1, 6, 5) conv.bias(5)", names(plan));
        assertEquals(WeightValues.trained(Initializer.glorotUniform(9 * 3, 9 * 2)), plan.parameters().get(0).values());
        assertEquals(WeightValues.trained(Initializer.glorotUniform(6, 5)), plan.parameters().get(1).values());
    }

    @Test
    void separableRunsTheDepthwiseOpThenOnePointwiseProduct() {
        Networks.assertGeneratedContains(compile(network("Separable",
                "@Input(shape = {8, 8, 3}) Layer x();",
                "@SeparableConv2D(filters = 5, kernel = 3, strides = 2, padding = Padding.SAME, depthMultiplier = 2,"
                        + " activation = RELU) Layer conv();")),
                "example.SeparableModel",
                "Window2D.input(8, 8, 3).window(3, 3).strides(2, 2) .output(4, 4, 6)",
                ".layer(\"conv\", \"SeparableConv2D\", new int[] {4, 4, 5}, 89,",
                "backend.depthwiseConv2d(CONV_WINDOW, batch,",
                "backend.depthwiseConv2dBackward(CONV_WINDOW, batch,",
                // the pointwise product with its bias and ReLU, as a dense layer's
                "backend.denseForward(CONV_ACTIVATION, batch * 16, 6, 5,");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "DepthwiseConv2D(kernel = 3, depthMultiplier = 0  | @DepthwiseConv2D(depthMultiplier = 0) must be positive | depthMultiplier = 0",
        "DepthwiseConv2D(kernel = {3, 3, 3}                   | @DepthwiseConv2D(kernel = {3, 3, 3}) takes one size for both axes"
                + " or two, {height, width} | kernel = {3, 3, 3}",
        "DepthwiseConv2D(kernel = 3, strides = 0              | @DepthwiseConv2D(strides = 0) must be positive | strides = 0",
        "SeparableConv2D(filters = 0, kernel = 3              | @SeparableConv2D(filters = 0) must be positive | filters = 0",
        "SeparableConv2D(filters = 4, kernel = 3, depthMultiplier = -1 | @SeparableConv2D(depthMultiplier = -1) must be positive"
                + " | depthMultiplier = -1",
        "SeparableConv2D(filters = 4, kernel = 3, dilation = 0 | @SeparableConv2D(dilation = 0) must be positive | dilation = 0",
    })
    void sizesMustBePositive(String layer, String message, String attribute) {
        assertError(network("Images", "@Input(shape = {8, 8, 3}) Layer x();", "@" + layer + ") Layer conv();"),
                "conv: " + message, attribute);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"DepthwiseConv2D(", "SeparableConv2D(filters = 4, "})
    void causalIsAnErrorAsInKeras(String layer) {
        String annotation = layer.substring(0, layer.indexOf('('));
        assertError(network("Images", "@Input(shape = {8, 8, 3}) Layer x();",
                        "@" + layer + "kernel = 3,", "padding = Padding.CAUSAL) Layer conv();"),
                "conv: @" + annotation + "(padding = CAUSAL): CAUSAL padding is for @Conv1D only, as in Keras; use VALID or SAME",
                "padding = Padding.CAUSAL");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"DepthwiseConv2D(", "SeparableConv2D(filters = 4, "})
    void dilationNeedsStridesOfOneAsInKeras(String layer) {
        String annotation = layer.substring(0, layer.indexOf('('));
        assertError(network("Images", "@Input(shape = {8, 8, 3}) Layer x();",
                        "@" + layer + "kernel = 3,", "strides = 2,", "dilation = 2) Layer conv();"),
                "conv: @" + annotation + "(strides = 2, dilation = 2): a dilation above 1 needs strides of 1, as in Keras",
                "dilation = 2");
    }

    @Test
    void kernelLargerThanAValidInput() {
        assertError(network("Images", "@Input(shape = {4, 4, 3}) Layer x();",
                        "@DepthwiseConv2D(", "kernel = 5) Layer conv();"),
                "conv: @DepthwiseConv2D(kernel = 5) spans 5 × 5 values, more than its input 'x' of 4 × 4 holds with"
                        + " padding = VALID: no output would be left", "kernel = 5");
    }

    @Test
    void inputMustBeAnImage() {
        assertError(network("Seq", "@Input(shape = {10, 3}) Layer x();", "@SeparableConv2D(filters = 4, kernel = 3) Layer conv();"),
                "conv: @SeparableConv2D takes an input of shape (height, width, channels), but its input 'x' has shape (10, 3)",
                "@SeparableConv2D(filters = 4");
    }

    private static String names(NetworkPlan plan) {
        return plan.parameters().stream().map(p -> p.name() + p.shape()).collect(Collectors.joining(" "));
    }
}
