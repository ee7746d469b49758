package dev.annonet.processor;

import static dev.annonet.processor.Networks.assertError;
import static dev.annonet.processor.Networks.network;

import org.junit.jupiter.api.Test;

/** Mistakes in the convolutional layers' options and shapes, each reported on the value that caused it. */
class ImageLayerErrorsTest {
    private static final String IMAGE = "@Input(shape = {8, 8, 3}) Layer image();";

    @Test
    void convolutionOfAFlatInput() {
        assertError(network("Cnn", "@Input(shape = 784) Layer image();", "@Conv2D(filters = 4, kernel = 3) Layer conv();"),
                "conv: @Conv2D takes an input of shape (height, width, channels), but its input 'image' has shape (784)",
                "@Conv2D(filters = 4");
    }

    @Test
    void poolingOfAFlatInput() {
        assertError(network("Cnn", "@Input(shape = {28, 28}) Layer image();", "@MaxPooling2D Layer pool();"),
                "pool: @MaxPooling2D takes an input of shape (height, width, channels), but its input 'image' has shape (28, 28)",
                "@MaxPooling2D");
    }

    @Test
    void globalPoolingOfAFlatInput() {
        assertError(network("Cnn", "@Input(shape = 10) Layer x();", "@GlobalAveragePooling2D Layer pool();"),
                "pool: @GlobalAveragePooling2D takes an input of shape (height, width, channels), but its input 'x' has shape (10)",
                "@GlobalAveragePooling2D");
    }

    @Test
    void kernelLargerThanAValidInput() {
        assertError(network("Cnn", IMAGE, "@Conv2D(filters = 4, kernel = 9) Layer conv();"),
                "conv: @Conv2D(kernel = 9) spans 9 × 9 values, more than its input 'image' of 8 × 8 holds with padding = VALID",
                "kernel = 9");
    }

    @Test
    void dilatedKernelLargerThanAValidInput() {
        assertError(network("Cnn", IMAGE, "@Conv2D(filters = 4, kernel = {3, 3}, dilation = 4) Layer conv();"),
                "conv: @Conv2D(kernel = {3, 3}) spans 9 × 9 values, more than its input 'image' of 8 × 8", "kernel = {3, 3}");
    }

    @Test
    void poolThatLeavesNothing() {
        assertError(network("Cnn", "@Input(shape = {1, 5, 2}) Layer image();", "@AveragePooling2D(pool = 2) Layer pool();"),
                "pool: @AveragePooling2D(pool = 2) spans 2 × 2 values, more than its input 'image' of 1 × 5 holds", "pool = 2");
    }

    @Test
    void nonPositiveFilters() {
        assertError(network("Cnn", IMAGE, "@Conv2D(filters = 0, kernel = 3) Layer conv();"),
                "conv: @Conv2D(filters = 0) must be positive", "filters = 0");
    }

    @Test
    void nonPositiveKernelSize() {
        assertError(network("Cnn", IMAGE, "@Conv2D(filters = 2, kernel = {3, 0}) Layer conv();"),
                "conv: @Conv2D(kernel = {3, 0}) must be positive", "kernel = {3, 0}");
    }

    @Test
    void zeroStrides() {
        assertError(network("Cnn", IMAGE, "@Conv2D(filters = 2, kernel = 3, strides = 0) Layer conv();"),
                "conv: @Conv2D(strides = 0) must be positive", "strides = 0");
    }

    @Test
    void negativePoolStrides() {
        assertError(network("Cnn", IMAGE, "@MaxPooling2D(strides = {2, -1}) Layer pool();"),
                "pool: @MaxPooling2D(strides = {2, -1}) must be positive", "strides = {2, -1}");
    }

    @Test
    void kernelOfThreeSizes() {
        assertError(network("Cnn", IMAGE, "@Conv2D(filters = 2, kernel = {3, 3, 3}) Layer conv();"),
                "conv: @Conv2D(kernel = {3, 3, 3}) takes one size for both axes or two, {height, width}", "kernel = {3, 3, 3}");
    }

    @Test
    void emptyPool() {
        assertError(network("Cnn", IMAGE, "@MaxPooling2D(pool = {}) Layer pool();"),
                "pool: @MaxPooling2D(pool = {}) takes one size for both axes or two, {height, width}", "pool = {}");
    }

    @Test
    void stridesWithDilation() {
        assertError(network("Cnn", IMAGE, "@Conv2D(filters = 2, kernel = 3, strides = 2, dilation = 2) Layer conv();"),
                "conv: @Conv2D(strides = 2, dilation = 2): a dilation above 1 needs strides of 1", "dilation = 2");
    }

    @Test
    void zeroPaddingOfThreeSizes() {
        assertError(network("Cnn", IMAGE, "@ZeroPadding2D(padding = {1, 2, 3}) Layer pad();"),
                "pad: @ZeroPadding2D(padding = {1, 2, 3}) takes one size, two {vertical, horizontal} or four {top, bottom, left, right}",
                "padding = {1, 2, 3}");
    }

    @Test
    void negativeZeroPadding() {
        assertError(network("Cnn", IMAGE, "@ZeroPadding2D(padding = -1) Layer pad();"),
                "pad: @ZeroPadding2D(padding = -1) must not be negative", "padding = -1");
    }

    @Test
    void batchNormalizationMomentumOfOne() {
        assertError(network("Cnn", IMAGE, "@BatchNormalization(momentum = 1) Layer norm();"),
                "norm: @BatchNormalization(momentum = 1) must be in [0, 1)", "momentum = 1");
    }

    @Test
    void batchNormalizationWithoutEpsilon() {
        assertError(network("Cnn", IMAGE, "@BatchNormalization(epsilon = 0) Layer norm();"),
                "norm: @BatchNormalization(epsilon = 0) must be positive", "epsilon = 0");
    }
}
