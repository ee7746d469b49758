package dev.annonet.runtime.backend;

import dev.annonet.contract.Window2D;


/**
 * The convolution family's kernels written once in double precision over {@link Elements}, as
 * plain loops: the reference backend's implementation, and the fast backends' for what they do
 * not specialize. Activations are NHWC: sample {@code b}'s value at (row, column, channel) of a
 * tensor at {@code offset} is {@code offset + ((b·height + row)·width + column)·channels + channel}.
 * Arguments are checked in front of the backend ({@link CheckedBackend}).
 */
public final class ImageKernels {
    private ImageKernels() {
    }

    /** {@code z[b, oy, ox, co] = Σ x[b, iy, ix, ci] · kernel[i, j, ci, co]} over the window, padding counting zero. */
    public static void conv2d(Window2D w, int batch, Elements x, int xOffset, Elements kernel, int kernelOffset,
                              Elements z, int zOffset) {
        int cin = w.inputChannels();
        int cout = w.outputChannels();
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    int out = zOffset + outputIndex(w, b, oy, ox, 0);
                    for (int co = 0; co < cout; co++) {
                        double sum = 0;
                        for (int i = 0; i < w.windowHeight(); i++) {
                            for (int j = 0; j < w.windowWidth(); j++) {
                                int in = inputIndex(w, b, oy, ox, i, j);
                                if (in < 0) {
                                    continue;
                                }
                                for (int ci = 0; ci < cin; ci++) {
                                    sum += x.get(xOffset + in + ci)
                                            * kernel.get(kernelOffset + ((i * w.windowWidth() + j) * cin + ci) * cout + co);
                                }
                            }
                        }
                        z.set(out + co, sum);
                    }
                }
            }
        }
    }

    /**
     * From {@code dz}: {@code dKernel} (overwritten; skipped when null) and {@code dx} (overwritten;
     * skipped when null), each the sum over every output position its value took part in.
     */
    public static void conv2dBackward(Window2D w, int batch, Elements x, int xOffset, Elements kernel, int kernelOffset,
                                      Elements dz, int dzOffset, Elements dKernel, int dKernelOffset,
                                      Elements dx, int dxOffset) {
        int cin = w.inputChannels();
        int cout = w.outputChannels();
        if (dKernel != null) {
            fill(dKernel, dKernelOffset, w.patchSize() * cout, 0);
        }
        if (dx != null) {
            fill(dx, dxOffset, batch * w.inputSize(), 0);
        }
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    int out = dzOffset + outputIndex(w, b, oy, ox, 0);
                    for (int i = 0; i < w.windowHeight(); i++) {
                        for (int j = 0; j < w.windowWidth(); j++) {
                            int in = inputIndex(w, b, oy, ox, i, j);
                            if (in < 0) {
                                continue;
                            }
                            for (int ci = 0; ci < cin; ci++) {
                                int k = kernelOffset + ((i * w.windowWidth() + j) * cin + ci) * cout;
                                int dk = dKernelOffset + ((i * w.windowWidth() + j) * cin + ci) * cout;
                                double xValue = x.get(xOffset + in + ci);
                                double dxSum = 0;
                                for (int co = 0; co < cout; co++) {
                                    double g = dz.get(out + co);
                                    if (dKernel != null) {
                                        dKernel.set(dk + co, dKernel.get(dk + co) + xValue * g);
                                    }
                                    dxSum += kernel.get(k + co) * g;
                                }
                                if (dx != null) {
                                    dx.set(dxOffset + in + ci, dx.get(dxOffset + in + ci) + dxSum);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Keras's DepthwiseConv2D: {@code y[b, oy, ox, c·m + k] = Σ x[b, iy, ix, c] · kernel[i, j, c, k]}
     * over the window, padding counting zero, where m (the depth multiplier) is outputChannels /
     * inputChannels and the kernel is (kh, kw, cin, m): each input channel convolved alone, m times.
     */
    public static void depthwiseConv2d(Window2D w, int batch, Elements x, int xOffset, Elements kernel, int kernelOffset,
                                       Elements y, int yOffset) {
        int cout = w.outputChannels();
        int multiplier = cout / w.inputChannels();
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    int out = yOffset + outputIndex(w, b, oy, ox, 0);
                    for (int co = 0; co < cout; co++) {
                        double sum = 0;
                        for (int i = 0; i < w.windowHeight(); i++) {
                            for (int j = 0; j < w.windowWidth(); j++) {
                                int in = inputIndex(w, b, oy, ox, i, j);
                                if (in >= 0) {
                                    sum += x.get(xOffset + in + co / multiplier)
                                            * kernel.get(kernelOffset + (i * w.windowWidth() + j) * cout + co);
                                }
                            }
                        }
                        y.set(out + co, sum);
                    }
                }
            }
        }
    }

    /**
     * From {@code dy}: {@code dKernel} and {@code dx} of {@link #depthwiseConv2d} (each overwritten;
     * skipped when null), each the sum over every output value its value took part in.
     */
    public static void depthwiseConv2dBackward(Window2D w, int batch, Elements x, int xOffset, Elements kernel,
                                               int kernelOffset, Elements dy, int dyOffset, Elements dKernel,
                                               int dKernelOffset, Elements dx, int dxOffset) {
        int cout = w.outputChannels();
        int multiplier = cout / w.inputChannels();
        if (dKernel != null) {
            fill(dKernel, dKernelOffset, w.windowHeight() * w.windowWidth() * cout, 0);
        }
        if (dx != null) {
            fill(dx, dxOffset, batch * w.inputSize(), 0);
        }
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    int out = dyOffset + outputIndex(w, b, oy, ox, 0);
                    for (int i = 0; i < w.windowHeight(); i++) {
                        for (int j = 0; j < w.windowWidth(); j++) {
                            int in = inputIndex(w, b, oy, ox, i, j);
                            if (in < 0) {
                                continue;
                            }
                            int place = (i * w.windowWidth() + j) * cout;
                            for (int co = 0; co < cout; co++) {
                                int input = in + co / multiplier;
                                double g = dy.get(out + co);
                                if (dKernel != null) {
                                    add(dKernel, dKernelOffset + place + co, x.get(xOffset + input) * g);
                                }
                                if (dx != null) {
                                    add(dx, dxOffset + input, kernel.get(kernelOffset + place + co) * g);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Each output value the maximum, or the mean of the values inside the input, of its window in its channel. */
    public static void pool2d(PoolingKind kind, Window2D w, int batch, Elements x, int xOffset, Elements y, int yOffset) {
        int channels = w.inputChannels();
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    int out = yOffset + outputIndex(w, b, oy, ox, 0);
                    for (int c = 0; c < channels; c++) {
                        double max = Double.NEGATIVE_INFINITY;
                        double sum = 0;
                        int count = 0;
                        for (int i = 0; i < w.windowHeight(); i++) {
                            for (int j = 0; j < w.windowWidth(); j++) {
                                int in = inputIndex(w, b, oy, ox, i, j);
                                if (in >= 0) {
                                    double v = x.get(xOffset + in + c);
                                    max = Math.max(max, v);
                                    sum += v;
                                    count++;
                                }
                            }
                        }
                        y.set(out + c, kind == PoolingKind.MAX ? max : sum / count);
                    }
                }
            }
        }
    }

    /**
     * {@code dx} (overwritten) from {@code dy}: MAX gives each window's gradient to the first
     * position holding its maximum (found again from {@code x}); AVERAGE spreads it evenly over
     * the window's positions inside the input.
     */
    public static void pool2dBackward(PoolingKind kind, Window2D w, int batch, Elements x, int xOffset,
                                      Elements dy, int dyOffset, Elements dx, int dxOffset) {
        int channels = w.inputChannels();
        fill(dx, dxOffset, batch * w.inputSize(), 0);
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    int out = dyOffset + outputIndex(w, b, oy, ox, 0);
                    for (int c = 0; c < channels; c++) {
                        double max = Double.NEGATIVE_INFINITY;
                        int argmax = -1;
                        int count = 0;
                        for (int i = 0; i < w.windowHeight(); i++) {
                            for (int j = 0; j < w.windowWidth(); j++) {
                                int in = inputIndex(w, b, oy, ox, i, j);
                                if (in >= 0) {
                                    count++;
                                    double v = x.get(xOffset + in + c);
                                    if (v > max || argmax < 0) {
                                        max = v;
                                        argmax = in;
                                    }
                                }
                            }
                        }
                        double g = dy.get(out + c);
                        if (kind == PoolingKind.MAX) {
                            add(dx, dxOffset + argmax + c, g);
                            continue;
                        }
                        for (int i = 0; i < w.windowHeight(); i++) {
                            for (int j = 0; j < w.windowWidth(); j++) {
                                int in = inputIndex(w, b, oy, ox, i, j);
                                if (in >= 0) {
                                    add(dx, dxOffset + in + c, g / count);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code y} is {@code x} with zeros around it: the window is 1×1, its padding the rows and columns added before. */
    public static void zeroPad2d(Window2D w, int batch, Elements x, int xOffset, Elements y, int yOffset) {
        int channels = w.inputChannels();
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    int out = yOffset + outputIndex(w, b, oy, ox, 0);
                    int in = inputIndex(w, b, oy, ox, 0, 0);
                    for (int c = 0; c < channels; c++) {
                        y.set(out + c, in < 0 ? 0 : x.get(xOffset + in + c));
                    }
                }
            }
        }
    }

    /** {@code dx} is {@code dy} without the padding. */
    public static void zeroPad2dBackward(Window2D w, int batch, Elements dy, int dyOffset, Elements dx, int dxOffset) {
        int channels = w.inputChannels();
        for (int b = 0; b < batch; b++) {
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    int in = inputIndex(w, b, oy, ox, 0, 0);
                    if (in >= 0) {
                        int out = dyOffset + outputIndex(w, b, oy, ox, 0);
                        for (int c = 0; c < channels; c++) {
                            dx.set(dxOffset + in + c, dy.get(out + c));
                        }
                    }
                }
            }
        }
    }

    /** Index of (b, oy, ox, c) in an output tensor. */
    static int outputIndex(Window2D w, int b, int oy, int ox, int c) {
        return ((b * w.outputHeight() + oy) * w.outputWidth() + ox) * w.outputChannels() + c;
    }

    /** Index of channel 0 of window position (i, j) at output (oy, ox) in an input tensor, or -1 in the padding. */
    static int inputIndex(Window2D w, int b, int oy, int ox, int i, int j) {
        int iy = w.inputRow(oy, i);
        int ix = w.inputColumn(ox, j);
        if (iy < 0 || iy >= w.inputHeight() || ix < 0 || ix >= w.inputWidth()) {
            return -1;
        }
        return ((b * w.inputHeight() + iy) * w.inputWidth() + ix) * w.inputChannels();
    }

    private static void fill(Elements values, int offset, int count, double value) {
        for (int i = 0; i < count; i++) {
            values.set(offset + i, value);
        }
    }

    private static void add(Elements values, int index, double value) {
        values.set(index, values.get(index) + value);
    }
}
