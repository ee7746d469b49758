package dev.annonet.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.annonet.processor.Networks.assertError;
import static dev.annonet.processor.Networks.network;

import com.google.testing.compile.Compilation;
import org.junit.jupiter.api.Test;

/** Mistakes in a layer's options and shapes: sizes, rates, thresholds, fixed weights, reshapes. */
class LayerOptionErrorsTest {

    @Test
    void nonPositiveUnits() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = -3) Layer hidden();"),
                "hidden: @Dense(units = -3) must be positive", "units = -3");
    }

    @Test
    void dropoutRateOfOne() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dropout(rate = 1.0) Layer dropout();"),
                "dropout: @Dropout(rate = 1) must be in [0, 1)", "rate = 1.0");
    }

    @Test
    void negativeDropoutRate() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();", "@Dropout(rate = -0.1) Layer dropout();"),
                "dropout: @Dropout(rate = -0.1) must be in [0, 1)", "rate = -0.1");
    }

    @Test
    void emptyInputShape() {
        assertError(network("Mlp", "@Input(shape = {}) Layer image();", "@Dense(units = 1) Layer y();"),
                "image: @Input(shape = {}) is empty", "shape = {}");
    }

    @Test
    void nonPositiveInputSize() {
        assertError(network("Mlp", "@Input(shape = {28, 0}) Layer image();", "@Dense(units = 1) Layer y();"),
                "image: @Input(shape = {28, 0}) has a size that is not positive", "shape = {28, 0}");
    }

    @Test
    void inputTooLarge() {
        assertError(network("Mlp", "@Input(shape = {100000, 100000}) Layer image();", "@Dense(units = 1) Layer y();"),
                "image: @Input(shape = {100000, 100000}) holds more values than a Java array can", "shape = {100000");
    }

    @Test
    void kernelTooLarge() {
        assertError(network("Mlp", "@Input(shape = 100000) Layer x();", "@Dense(units = 100000) Layer wide();"),
                "wide: @Dense(units = 100000) needs a kernel of 100000 × 100000 values, more than a Java array can hold",
                "units = 100000");
    }

    @Test
    void reshapeOfAnotherSize() {
        assertError(network("Mlp", "@Input(shape = 784) Layer image();", "@Reshape(shape = {27, 28}) Layer grid();"),
                "grid: @Reshape(shape = {27, 28}) holds 756 values but its input 'image' holds 784", "shape = {27, 28}");
    }

    @Test
    void reshapeWhoseInferredSizeDoesNotDivide() {
        assertError(network("Mlp", "@Input(shape = 784) Layer image();", "@Reshape(shape = {-1, 27}) Layer grid();"),
                "grid: @Reshape(shape = {-1, 27}) cannot hold the 784 values of its input 'image': 784 is not a multiple of 27",
                "shape = {-1, 27}");
    }

    @Test
    void reshapeWithTwoInferredSizes() {
        assertError(network("Mlp", "@Input(shape = 784) Layer image();", "@Reshape(shape = {-1, -1}) Layer grid();"),
                "grid: @Reshape(shape = {-1, -1}) leaves more than one size to infer; at most one may be -1", "shape = {-1, -1}");
    }

    @Test
    void reshapeWithZeroSize() {
        assertError(network("Mlp", "@Input(shape = 784) Layer image();", "@Reshape(shape = {0, 784}) Layer grid();"),
                "grid: @Reshape(shape = {0, 784}) has a size that is not positive", "shape = {0, 784}");
    }

    @Test
    void fixedKernelOfWrongLength() {
        assertError(network("Or", "@Input(shape = 2) Layer x();", "@Dense(units = 1, kernel = {1, 1, 1}) Layer or();"),
                "or: @Dense(kernel = ...) holds 3 values, but needs 2 × 1 = 2: its input 'x' has 2 values on its last axis"
                        + " and units = 1",
                "kernel = {1, 1, 1}");
    }

    @Test
    void fixedBiasOfWrongLength() {
        assertError(network("Or", "@Input(shape = 2) Layer x();", "@Dense(units = 1, bias = {0.5f, 0.5f}) Layer or();"),
                "or: @Dense(bias = ...) holds 2 values, but needs units = 1", "bias = {0.5f, 0.5f}");
    }

    @Test
    void fixedBiasWithoutBias() {
        assertError(network("Or", "@Input(shape = 2) Layer x();", "@Dense(units = 1, useBias = false, bias = 1) Layer or();"),
                "or: @Dense(bias = ...) is given, but useBias = false", "bias = 1");
    }

    @Test
    void heavisideWithTwoThresholds() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();",
                        "@Dense(units = 1, activation = HEAVISIDE, thresholds = {0, 1}) Layer step();"),
                "step: @Dense(activation = HEAVISIDE, thresholds = {0, 1}): HEAVISIDE takes one threshold θ (or none: θ = 0)",
                "thresholds = {0, 1}");
    }

    @Test
    void thresholdedLinearWithOneThreshold() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();",
                        "@Activation(value = THRESHOLDED_LINEAR, thresholds = 1) Layer clip();"),
                "clip: @Activation(value = THRESHOLDED_LINEAR, thresholds = 1): THRESHOLDED_LINEAR takes two thresholds θ1 ≤ θ2",
                "thresholds = 1");
    }

    @Test
    void thresholdsOutOfOrder() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();",
                        "@Activation(value = THRESHOLDED_LINEAR, thresholds = {1, -1}) Layer clip();"),
                "clip: @Activation(value = THRESHOLDED_LINEAR, thresholds = {1, -1}): θ1 must not exceed θ2",
                "thresholds = {1, -1}");
    }

    @Test
    void thresholdsForAKindWithout() {
        assertError(network("Mlp", "@Input(shape = 2) Layer x();",
                        "@Dense(units = 2, activation = RELU, thresholds = 0.5) Layer hidden();"),
                "hidden: @Dense(activation = RELU, thresholds = 0.5): RELU takes no thresholds", "thresholds = 0.5");
    }

    @Test
    void malformedValueIsLeftToJavac() {
        Compilation compilation = Networks.compile(network("Mlp", "@Input(shape = 2) Layer x();", "@Dense(units = NOPE) Layer y();"));
        assertThat(compilation).hadErrorContaining("cannot find symbol");
        assertThat(compilation).hadErrorCount(1);
    }
}
