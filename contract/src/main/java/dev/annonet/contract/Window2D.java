package dev.annonet.contract;

/**
 * The geometry of a 2D window sliding over one NHWC sample: a convolution's kernel (a Conv1D's is
 * one row high), a pooling window, or (a 1×1 window) zero padding. Output position {@code (oy, ox)}
 * reads input rows {@code oy·strideHeight - padTop + i·dilationHeight} for {@code i < windowHeight}
 * (likewise columns); positions outside the input are padding. The processor plans it with
 * {@link #outputSize} and {@link #padBefore}, Keras's arithmetic; generated models hold one per
 * layer as a constant, written fluently: {@code Window2D.input(28, 28, 1).window(3, 3).output(26, 26, 32)}.
 */
public record Window2D(
        int inputHeight, int inputWidth, int inputChannels,
        int windowHeight, int windowWidth,
        int strideHeight, int strideWidth,
        int dilationHeight, int dilationWidth,
        int padTop, int padLeft,
        int outputHeight, int outputWidth, int outputChannels) {

    /** How a window treats the borders of its input along one axis, as Keras's {@code padding}. */
    public enum Border {
        /** No padding: {@code out = floor((in - span) / stride) + 1}. */
        VALID,
        /** {@code out = ceil(in / stride)}; of {@code total = max((out - 1)·stride + span - in, 0)} padded, {@code total / 2} before. */
        SAME,
        /** {@code span - 1} zeros before the first position, none after: {@code out = floor((in - 1) / stride) + 1}. */
        CAUSAL
    }

    public Window2D {
        int[] positive = {inputHeight, inputWidth, inputChannels, windowHeight, windowWidth, strideHeight, strideWidth,
            dilationHeight, dilationWidth, outputHeight, outputWidth, outputChannels};
        for (int size : positive) {
            if (size <= 0) {
                throw new IllegalArgumentException("window sizes must be positive: " + this);
            }
        }
        if (padTop < 0 || padLeft < 0) {
            throw new IllegalArgumentException("negative padding: " + this);
        }
    }

    /** A 1×1 window with stride 1 over an input of this shape, its output the same: refine it with the methods below. */
    public static Window2D input(int height, int width, int channels) {
        return new Window2D(height, width, channels, 1, 1, 1, 1, 1, 1, 0, 0, height, width, channels);
    }

    public Window2D window(int height, int width) {
        return new Window2D(inputHeight, inputWidth, inputChannels, height, width, strideHeight, strideWidth,
                dilationHeight, dilationWidth, padTop, padLeft, outputHeight, outputWidth, outputChannels);
    }

    public Window2D strides(int height, int width) {
        return new Window2D(inputHeight, inputWidth, inputChannels, windowHeight, windowWidth, height, width,
                dilationHeight, dilationWidth, padTop, padLeft, outputHeight, outputWidth, outputChannels);
    }

    public Window2D dilation(int height, int width) {
        return new Window2D(inputHeight, inputWidth, inputChannels, windowHeight, windowWidth, strideHeight, strideWidth,
                height, width, padTop, padLeft, outputHeight, outputWidth, outputChannels);
    }

    /** Padding before the first row and column (what comes after follows from the output size). */
    public Window2D padding(int top, int left) {
        return new Window2D(inputHeight, inputWidth, inputChannels, windowHeight, windowWidth, strideHeight, strideWidth,
                dilationHeight, dilationWidth, top, left, outputHeight, outputWidth, outputChannels);
    }

    public Window2D output(int height, int width, int channels) {
        return new Window2D(inputHeight, inputWidth, inputChannels, windowHeight, windowWidth, strideHeight, strideWidth,
                dilationHeight, dilationWidth, padTop, padLeft, height, width, channels);
    }

    /** The positions one window covers along an axis, dilation included: {@code (window - 1)·dilation + 1}. */
    public static long span(int window, int dilation) {
        return (long) (window - 1) * dilation + 1;
    }

    /** Output positions along an axis of {@code in} positions; below 1 when a VALID window does not fit. */
    public static int outputSize(int in, int window, int stride, int dilation, Border border) {
        long span = span(window, dilation);
        return switch (border) {
            case VALID -> in < span ? 0 : (int) ((in - span) / stride + 1);
            case SAME -> (in + stride - 1) / stride;
            case CAUSAL -> (in - 1) / stride + 1;
        };
    }

    /** Padding before the first position along an axis. */
    public static int padBefore(int in, int window, int stride, int dilation, Border border) {
        long span = span(window, dilation);
        return switch (border) {
            case VALID -> 0;
            case SAME -> (int) (Math.max((long) (outputSize(in, window, stride, dilation, border) - 1) * stride + span - in, 0) / 2);
            case CAUSAL -> (int) (span - 1);
        };
    }

    /** The rows one window covers, dilation included. */
    public int spanHeight() {
        return (int) span(windowHeight, dilationHeight);
    }

    /** The columns one window covers, dilation included. */
    public int spanWidth() {
        return (int) span(windowWidth, dilationWidth);
    }

    /** Values of one input sample. */
    public int inputSize() {
        return inputHeight * inputWidth * inputChannels;
    }

    /** Values of one output sample. */
    public int outputSize() {
        return outputHeight * outputWidth * outputChannels;
    }

    /** Output positions of one sample: the rows of a convolution's GEMM per sample. */
    public int outputPositions() {
        return outputHeight * outputWidth;
    }

    /** Values a window covers across the input channels: a convolution kernel's rows, (kh, kw, cin). */
    public int patchSize() {
        return windowHeight * windowWidth * inputChannels;
    }

    /** Input row of window row {@code i} at output row {@code oy}; outside [0, inputHeight) it is padding. */
    public int inputRow(int oy, int i) {
        return oy * strideHeight - padTop + i * dilationHeight;
    }

    /** Input column of window column {@code j} at output column {@code ox}. */
    public int inputColumn(int ox, int j) {
        return ox * strideWidth - padLeft + j * dilationWidth;
    }
}
