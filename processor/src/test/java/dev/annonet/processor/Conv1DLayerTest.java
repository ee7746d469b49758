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

/** {@code @Conv1D}: Keras's shapes and parameter counts, its lowering onto a window one row high, its mistakes. */
class Conv1DLayerTest {

    /** Output steps and Keras's summary count over a (10, 3) input, 4 filters. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "kernel = 3                                      | 8  | 40",
        "kernel = 3, padding = Padding.SAME              | 10 | 40",
        "kernel = 3, padding = Padding.CAUSAL            | 10 | 40",
        "kernel = 3, strides = 2                         | 4  | 40",
        "kernel = 3, strides = 3, padding = Padding.SAME | 4  | 40",
        "kernel = 2, dilation = 3                        | 7  | 28",
        "kernel = 5, useBias = false                     | 6  | 60",
        "kernel = 10                                     | 1  | 124",
    })
    void shapeAndParameterCountAsKeras(String options, int steps, long parameters) {
        NetworkPlan plan = PlanCapture.plan(network("Seq",
                "@Input(shape = {10, 3}) Layer x();",
                "@Conv1D(filters = 4, " + options + ") Layer conv();"));
        assertEquals(List.of(steps, 4), plan.outputs().get(0).port().shape().dims());
        assertEquals(parameters, plan.layers().get(1).parameterCount());
        assertEquals("Conv1D", plan.layers().get(1).kerasType());
    }

    @Test
    void kernelIsKerasLayoutWithGlorotFans() {
        NetworkPlan plan = PlanCapture.plan(network("Seq",
                "@Input(shape = {10, 3}) Layer x();",
                "@Conv1D(filters = 4, kernel = 3) Layer conv();"));
        assertEquals("conv.kernel(3, 3, 4) conv.bias(4)",
                plan.parameters().stream().map(p -> p.name() + p.shape()).collect(Collectors.joining(" ")));
        assertEquals(WeightValues.trained(Initializer.glorotUniform(9, 12)), plan.parameters().get(0).values());
        assertEquals(WeightValues.trained(Initializer.zeros()), plan.parameters().get(1).values());
    }

    @Test
    void causalPadsTheDilatedSpanBeforeTheFirstStep() {
        Networks.assertGeneratedContains(compile(network("Causal",
                "@Input(shape = {10, 3}) Layer x();",
                "@Conv1D(filters = 4, kernel = 3, dilation = 2, padding = Padding.CAUSAL, activation = RELU) Layer conv();")),
                "example.CausalModel",
                "Window2D.input(1, 10, 3).window(1, 3).dilation(1, 2).padding(0, 4) .output(1, 10, 4)",
                ".layer(\"conv\", \"Conv1D\", new int[] {10, 4}, 40, 400L)",
                "backend.conv2d(CONV_WINDOW, batch,",
                "backend.biasActivation(CONV_ACTIVATION, batch * 10, 4,");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "filters = 0, kernel = 3                | conv: @Conv1D(filters = 0) must be positive   | filters = 0",
        "filters = 4, kernel = 0                | conv: @Conv1D(kernel = 0) must be positive    | kernel = 0",
        "filters = 4, kernel = 3, strides = -1  | conv: @Conv1D(strides = -1) must be positive  | strides = -1",
        "filters = 4, kernel = 3, dilation = 0  | conv: @Conv1D(dilation = 0) must be positive  | dilation = 0",
    })
    void sizesMustBePositive(String options, String message, String line) {
        assertError(network("Seq", "@Input(shape = {10, 3}) Layer x();", "@Conv1D(" + options + ") Layer conv();"), message, line);
    }

    @Test
    void dilationNeedsStridesOfOneAsInKeras() {
        assertError(network("Seq", "@Input(shape = {10, 3}) Layer x();",
                        "@Conv1D(filters = 4, kernel = 3,", "strides = 2,", "dilation = 2) Layer conv();"),
                "conv: @Conv1D(strides = 2, dilation = 2): a dilation above 1 needs strides of 1, as in Keras", "dilation = 2");
    }

    @Test
    void kernelLongerThanAValidInput() {
        assertError(network("Seq", "@Input(shape = {10, 3}) Layer x();",
                        "@Conv1D(filters = 4,", "kernel = 6, dilation = 2) Layer conv();"),
                "conv: @Conv1D(kernel = 6) spans 11 steps, more than the 10 of its input 'x' with padding = VALID:"
                        + " no output would be left", "kernel = 6");
    }

    @Test
    void inputMustBeASequence() {
        assertError(network("Seq", "@Input(shape = {4, 4, 3}) Layer x();", "@Conv1D(filters = 4, kernel = 3) Layer conv();"),
                "conv: @Conv1D takes a sequence, (time, features) per sample, but its input 'x' has shape (4, 4, 3)",
                "@Conv1D(filters = 4");
    }

    @Test
    void thresholdsFollowTheActivation() {
        assertError(network("Seq", "@Input(shape = {10, 3}) Layer x();",
                        "@Conv1D(filters = 4, kernel = 3, activation = RELU,", "thresholds = 1) Layer conv();"),
                "conv: @Conv1D(activation = RELU, thresholds = 1): RELU takes no thresholds", "thresholds = 1");
    }

    @Test
    void causalIsAnErrorOnConv2DAsInKeras() {
        assertError(network("Cnn", "@Input(shape = {8, 8, 1}) Layer x();",
                        "@Conv2D(filters = 4, kernel = 3,", "padding = Padding.CAUSAL) Layer conv();"),
                "conv: @Conv2D(padding = CAUSAL): CAUSAL padding is for @Conv1D only, as in Keras; use VALID or SAME",
                "padding = Padding.CAUSAL");
    }

    @Test
    void causalIsAnErrorOnPoolingAsInKeras() {
        assertError(network("Cnn", "@Input(shape = {8, 8, 1}) Layer x();",
                        "@MaxPooling2D(", "padding = Padding.CAUSAL) Layer pool();"),
                "pool: @MaxPooling2D(padding = CAUSAL): CAUSAL padding is for @Conv1D only", "padding = Padding.CAUSAL");
    }
}
