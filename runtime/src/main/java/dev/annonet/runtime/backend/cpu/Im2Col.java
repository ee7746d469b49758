package dev.annonet.runtime.backend.cpu;

import dev.annonet.contract.Window2D;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The lowering of a convolution to one GEMM: {@link #gather} lays every output position's window
 * out as one row of (kh, kw, cin) values, so that {@code z = columns · kernel}; {@link #scatter}
 * adds such rows back onto the input, for the input's gradient. NHWC keeps a window row's
 * {@code kw · cin} values contiguous when strides and dilation do not step over columns, and they
 * are then copied in one bulk put; padding becomes zeros.
 */
final class Im2Col {
    // Scratch for scatter, grown to the largest sample and patch seen (on the first step), then reused.
    private float[] sampleGradient = new float[0];
    private float[] patch = new float[0];

    /** {@code columns[(b, oy, ox), (i, j, c)] = x[b, iy, ix, c]}, zero in the padding. */
    static void gather(Window2D w, int batch, FloatBuffer x, int xOffset, FloatBuffer columns, int columnsOffset) {
        int cin = w.inputChannels();
        int rowLength = w.windowWidth() * cin;
        int row = columnsOffset;
        for (int b = 0; b < batch; b++) {
            int sample = xOffset + b * w.inputSize();
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    for (int i = 0; i < w.windowHeight(); i++) {
                        int iy = w.inputRow(oy, i);
                        int target = row + i * rowLength;
                        int first = w.inputColumn(ox, 0);
                        if (iy < 0 || iy >= w.inputHeight()) {
                            zero(columns, target, rowLength);
                        } else if (contiguous(w, first)) {
                            columns.put(target, x, sample + (iy * w.inputWidth() + first) * cin, rowLength);
                        } else {
                            for (int j = 0; j < w.windowWidth(); j++) {
                                int ix = w.inputColumn(ox, j);
                                if (ix < 0 || ix >= w.inputWidth()) {
                                    zero(columns, target + j * cin, cin);
                                } else {
                                    columns.put(target + j * cin, x, sample + (iy * w.inputWidth() + ix) * cin, cin);
                                }
                            }
                        }
                    }
                    row += w.patchSize();
                }
            }
        }
    }

    /**
     * {@code dx} (overwritten) is the sum of every column value over the input position it came
     * from: sample by sample, summed in a heap copy of the sample's gradient that the JIT
     * vectorizes over channels, each window row read in one bulk copy.
     */
    void scatter(Window2D w, int batch, FloatBuffer columns, int columnsOffset, FloatBuffer dx, int dxOffset) {
        int cin = w.inputChannels();
        if (sampleGradient.length < w.inputSize()) {
            sampleGradient = new float[w.inputSize()];
        }
        if (patch.length < w.patchSize()) {
            patch = new float[w.patchSize()];
        }
        int row = columnsOffset;
        for (int b = 0; b < batch; b++) {
            Arrays.fill(sampleGradient, 0, w.inputSize(), 0f);
            for (int oy = 0; oy < w.outputHeight(); oy++) {
                for (int ox = 0; ox < w.outputWidth(); ox++) {
                    columns.get(row, patch, 0, w.patchSize());
                    for (int i = 0; i < w.windowHeight(); i++) {
                        int iy = w.inputRow(oy, i);
                        if (iy < 0 || iy >= w.inputHeight()) {
                            continue;
                        }
                        for (int j = 0; j < w.windowWidth(); j++) {
                            int ix = w.inputColumn(ox, j);
                            if (ix >= 0 && ix < w.inputWidth()) {
                                int source = (i * w.windowWidth() + j) * cin;
                                int target = (iy * w.inputWidth() + ix) * cin;
                                for (int c = 0; c < cin; c++) {
                                    sampleGradient[target + c] += patch[source + c];
                                }
                            }
                        }
                    }
                    row += w.patchSize();
                }
            }
            dx.put(dxOffset + b * w.inputSize(), sampleGradient, 0, w.inputSize());
        }
    }

    /** Whether the window row starting at input column {@code first} lies inside the input, its values adjacent. */
    private static boolean contiguous(Window2D w, int first) {
        return w.dilationWidth() == 1 && first >= 0 && first + w.windowWidth() <= w.inputWidth();
    }

    private static void zero(FloatBuffer values, int offset, int count) {
        for (int i = offset; i < offset + count; i++) {
            values.put(i, 0);
        }
    }
}
