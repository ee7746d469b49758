package dev.annonet.runtime.backend.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Batch normalization over the last axis in float32, row by row through heap copies so the JIT
 * vectorizes across channels; per-channel sums accumulate in double, as a batch of 128 images has
 * tens of thousands of rows. Same semantics as ImageKernels.batchNorm and batchNormBackward. The
 * buffers grow to the most channels seen (on the first step) and are reused after.
 */
final class BatchNorm {
    private float[] row = new float[0];
    private float[] rowGradient = new float[0];
    private float[] scale = new float[0];
    private float[] shift = new float[0];
    private float[] mean = new float[0];
    private float[] inverseStd = new float[0];
    private double[] first = new double[0];
    private double[] second = new double[0];
    private double[] factor = new double[0];

    void forward(boolean training, int rows, int cols, double momentum, double epsilon,
                 FloatBuffer x, int xOffset, FloatBuffer gamma, int gammaOffset, FloatBuffer beta, int betaOffset,
                 FloatBuffer movingMean, int movingMeanOffset, FloatBuffer movingVariance, int movingVarianceOffset,
                 FloatBuffer statistics, int statisticsOffset, FloatBuffer y, int yOffset) {
        reserve(cols);
        if (training) {
            Arrays.fill(first, 0, cols, 0);
            for (int r = 0; r < rows; r++) {
                x.get(xOffset + r * cols, row, 0, cols);
                for (int c = 0; c < cols; c++) {
                    first[c] += row[c];
                }
            }
            Arrays.fill(second, 0, cols, 0);
            for (int c = 0; c < cols; c++) {
                mean[c] = (float) (first[c] / rows);
            }
            for (int r = 0; r < rows; r++) {
                x.get(xOffset + r * cols, row, 0, cols);
                for (int c = 0; c < cols; c++) {
                    double d = row[c] - first[c] / rows;
                    second[c] += d * d;
                }
            }
            for (int c = 0; c < cols; c++) {
                double batchMean = first[c] / rows;
                double variance = second[c] / rows;
                inverseStd[c] = (float) (1 / Math.sqrt(variance + epsilon));
                movingMean.put(movingMeanOffset + c,
                        (float) (movingMean.get(movingMeanOffset + c) * momentum + batchMean * (1 - momentum)));
                movingVariance.put(movingVarianceOffset + c,
                        (float) (movingVariance.get(movingVarianceOffset + c) * momentum + variance * (1 - momentum)));
                double s = gamma.get(gammaOffset + c) * inverseStd[c];
                scale[c] = (float) s;
                shift[c] = (float) (beta.get(betaOffset + c) - batchMean * s);
            }
            statistics.put(statisticsOffset, mean, 0, cols);
            statistics.put(statisticsOffset + cols, inverseStd, 0, cols);
        } else {
            for (int c = 0; c < cols; c++) {
                double s = gamma.get(gammaOffset + c) / Math.sqrt(movingVariance.get(movingVarianceOffset + c) + epsilon);
                scale[c] = (float) s;
                shift[c] = (float) (beta.get(betaOffset + c) - movingMean.get(movingMeanOffset + c) * s);
            }
        }
        for (int r = 0; r < rows; r++) {
            x.get(xOffset + r * cols, row, 0, cols);
            for (int c = 0; c < cols; c++) {
                row[c] = row[c] * scale[c] + shift[c];
            }
            y.put(yOffset + r * cols, row, 0, cols);
        }
    }

    void backward(int rows, int cols, FloatBuffer x, int xOffset, FloatBuffer gamma, int gammaOffset,
                  FloatBuffer statistics, int statisticsOffset, FloatBuffer dy, int dyOffset,
                  FloatBuffer dGamma, int dGammaOffset, FloatBuffer dBeta, int dBetaOffset, FloatBuffer dx, int dxOffset) {
        reserve(cols);
        statistics.get(statisticsOffset, mean, 0, cols);
        statistics.get(statisticsOffset + cols, inverseStd, 0, cols);
        Arrays.fill(first, 0, cols, 0);
        Arrays.fill(second, 0, cols, 0);
        for (int r = 0; r < rows; r++) {
            x.get(xOffset + r * cols, row, 0, cols);
            dy.get(dyOffset + r * cols, rowGradient, 0, cols);
            for (int c = 0; c < cols; c++) {
                first[c] += rowGradient[c];
                second[c] += rowGradient[c] * ((double) row[c] - mean[c]) * inverseStd[c];
            }
        }
        for (int c = 0; c < cols; c++) {
            dBeta.put(dBetaOffset + c, (float) first[c]);
            dGamma.put(dGammaOffset + c, (float) second[c]);
            factor[c] = (double) gamma.get(gammaOffset + c) * inverseStd[c] / rows;
        }
        if (dx == null) {
            return;
        }
        // In double: the input gradient is a difference of near-equal terms whose sum over the batch
        // is zero, and float rounding there would reach the gradient of a bias feeding this layer.
        for (int r = 0; r < rows; r++) {
            x.get(xOffset + r * cols, row, 0, cols);
            dy.get(dyOffset + r * cols, rowGradient, 0, cols);
            for (int c = 0; c < cols; c++) {
                double xHat = ((double) row[c] - mean[c]) * inverseStd[c];
                row[c] = (float) (factor[c] * ((double) rows * rowGradient[c] - first[c] - xHat * second[c]));
            }
            dx.put(dxOffset + r * cols, row, 0, cols);
        }
    }

    private void reserve(int cols) {
        if (row.length < cols) {
            row = new float[cols];
            rowGradient = new float[cols];
            scale = new float[cols];
            shift = new float[cols];
            mean = new float[cols];
            inverseStd = new float[cols];
            first = new double[cols];
            second = new double[cols];
            factor = new double[cols];
        }
    }
}
