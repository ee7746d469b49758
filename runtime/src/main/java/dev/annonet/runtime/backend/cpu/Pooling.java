package dev.annonet.runtime.backend.cpu;

import dev.annonet.contract.Window2D;
import dev.annonet.runtime.backend.PoolingKind;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Max and average pooling in float32, one sample at a time through heap copies, channels
 * innermost so the JIT vectorizes across them. Same semantics as the reference kernels in
 * ImageKernels: windows skip padding, average divides by the positions inside the input, and the
 * max gradient goes to the first position holding the maximum. The buffers grow to the largest
 * sample and window seen (on the first step) and are reused after.
 */
final class Pooling {
    private float[] input = new float[0];
    private float[] output = new float[0];
    private float[] inputGradient = new float[0];
    private float[] best = new float[0];
    private int[] bestAt = new int[0];
    /** The current window's positions inside the input, as offsets of their first channel. */
    private int[] positions = new int[0];

    void forward(PoolingKind kind, Window2D w, int batch, FloatBuffer x, int xOffset, FloatBuffer y, int yOffset) {
        reserve(w);
        int channels = w.inputChannels();
        for (int b = 0; b < batch; b++) {
            x.get(xOffset + b * w.inputSize(), input, 0, w.inputSize());
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    int out = (oy * w.outputWidth() + ox) * channels;
                    int count = positionsInside(w, oy, ox);
                    Arrays.fill(output, out, out + channels, kind == PoolingKind.MAX ? Float.NEGATIVE_INFINITY : 0f);
                    for (int p = 0; p < count; p++) {
                        int in = positions[p];
                        if (kind == PoolingKind.MAX) {
                            for (int c = 0; c < channels; c++) {
                                output[out + c] = Math.max(output[out + c], input[in + c]);
                            }
                        } else {
                            for (int c = 0; c < channels; c++) {
                                output[out + c] += input[in + c];
                            }
                        }
                    }
                    if (kind == PoolingKind.AVERAGE) {
                        float inverse = 1f / count;
                        for (int c = 0; c < channels; c++) {
                            output[out + c] *= inverse;
                        }
                    }
                }
            }
            y.put(yOffset + b * w.outputSize(), output, 0, w.outputSize());
        }
    }

    void backward(PoolingKind kind, Window2D w, int batch, FloatBuffer x, int xOffset,
                  FloatBuffer dy, int dyOffset, FloatBuffer dx, int dxOffset) {
        reserve(w);
        int channels = w.inputChannels();
        for (int b = 0; b < batch; b++) {
            x.get(xOffset + b * w.inputSize(), input, 0, w.inputSize());
            dy.get(dyOffset + b * w.outputSize(), output, 0, w.outputSize());
            Arrays.fill(inputGradient, 0, w.inputSize(), 0f);
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    int out = (oy * w.outputWidth() + ox) * channels;
                    int count = positionsInside(w, oy, ox);
                    if (kind == PoolingKind.MAX) {
                        routeToFirstMaximum(channels, count, out);
                    } else {
                        spreadEvenly(channels, count, out);
                    }
                }
            }
            dx.put(dxOffset + b * w.inputSize(), inputGradient, 0, w.inputSize());
        }
    }

    private void routeToFirstMaximum(int channels, int count, int out) {
        for (int p = 0; p < count; p++) {
            int in = positions[p];
            for (int c = 0; c < channels; c++) {
                if (p == 0 || input[in + c] > best[c]) {
                    best[c] = input[in + c];
                    bestAt[c] = in + c;
                }
            }
        }
        for (int c = 0; c < channels; c++) {
            inputGradient[bestAt[c]] += output[out + c];
        }
    }

    private void spreadEvenly(int channels, int count, int out) {
        float share = 1f / count;
        for (int p = 0; p < count; p++) {
            int in = positions[p];
            for (int c = 0; c < channels; c++) {
                inputGradient[in + c] += output[out + c] * share;
            }
        }
    }

    /** Fills {@link #positions} with the window's positions inside the input at (oy, ox); returns how many. */
    private int positionsInside(Window2D w, int oy, int ox) {
        int count = 0;
        for (int i = 0; i < w.windowHeight(); i++) {
            int iy = w.inputRow(oy, i);
            for (int j = 0; j < w.windowWidth(); j++) {
                int ix = w.inputColumn(ox, j);
                if (iy >= 0 && iy < w.inputHeight() && ix >= 0 && ix < w.inputWidth()) {
                    positions[count++] = (iy * w.inputWidth() + ix) * w.inputChannels();
                }
            }
        }
        return count;
    }

    private void reserve(Window2D w) {
        if (input.length < w.inputSize()) {
            input = new float[w.inputSize()];
            inputGradient = new float[w.inputSize()];
        }
        if (output.length < w.outputSize()) {
            output = new float[w.outputSize()];
        }
        if (best.length < w.inputChannels()) {
            best = new float[w.inputChannels()];
            bestAt = new int[w.inputChannels()];
        }
        if (positions.length < w.windowHeight() * w.windowWidth()) {
            positions = new int[w.windowHeight() * w.windowWidth()];
        }
    }
}
