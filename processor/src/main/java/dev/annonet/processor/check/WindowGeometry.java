package dev.annonet.processor.check;

import java.util.List;

/**
 * A 2D window over one (height, width, channels) sample, with Keras's output and padding
 * arithmetic; the runtime's {@code Window2D} is written from it. VALID: {@code out = floor((in -
 * span) / stride) + 1}, no padding. SAME: {@code out = ceil(in / stride)}, padding {@code total =
 * max((out - 1)·stride + span - in, 0)}, {@code total / 2} before. {@code span = (k - 1)·dilation + 1}.
 */
public record WindowGeometry(
        int inputHeight, int inputWidth, int inputChannels,
        int windowHeight, int windowWidth,
        int strideHeight, int strideWidth,
        int dilationHeight, int dilationWidth,
        int padTop, int padLeft,
        int outputHeight, int outputWidth, int outputChannels) {

    /** The geometry over {@code input} (rank 3); output sizes below 1 mean the window does not fit. */
    public static WindowGeometry of(Shape input, List<Integer> window, List<Integer> strides, List<Integer> dilation,
                             boolean same, int outputChannels) {
        int[] h = axis(input.dims().get(0), window.get(0), strides.get(0), dilation.get(0), same);
        int[] w = axis(input.dims().get(1), window.get(1), strides.get(1), dilation.get(1), same);
        return new WindowGeometry(input.dims().get(0), input.dims().get(1), input.last(), window.get(0), window.get(1),
                strides.get(0), strides.get(1), dilation.get(0), dilation.get(1), h[1], w[1], h[0], w[0], outputChannels);
    }

    /** Zero padding as a 1×1 window: {@code {top, bottom, left, right}} around {@code input}. */
    public static WindowGeometry padding(Shape input, List<Integer> sides) {
        int height = input.dims().get(0);
        int width = input.dims().get(1);
        return new WindowGeometry(height, width, input.last(), 1, 1, 1, 1, 1, 1, sides.get(0), sides.get(2),
                height + sides.get(0) + sides.get(1), width + sides.get(2) + sides.get(3), input.last());
    }

    /** {output size, padding before} along one axis. */
    private static int[] axis(int in, int window, int stride, int dilation, boolean same) {
        long span = (long) (window - 1) * dilation + 1;
        if (!same) {
            return new int[] {in < span ? 0 : (int) ((in - span) / stride + 1), 0};
        }
        int out = (in + stride - 1) / stride;
        long total = Math.max((long) (out - 1) * stride + span - in, 0);
        return new int[] {out, (int) (total / 2)};
    }

    /** The rows (columns) one window covers, dilation included. */
    public int spanHeight() {
        return (windowHeight - 1) * dilationHeight + 1;
    }

    public int spanWidth() {
        return (windowWidth - 1) * dilationWidth + 1;
    }

    public Shape outputShape() {
        return Shape.of(outputHeight, outputWidth, outputChannels);
    }
}
