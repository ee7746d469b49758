package dev.annonet.runtime.backend;

/**
 * Batch normalization over the last axis of {@code rows × cols} values (any rank: the channels are
 * the last axis, the rows everything before it), written once in double precision over {@link
 * Elements} as plain loops: the reference backend's implementation, and the oracle of the native
 * float bodies (batch_norm.cuh). Arguments are checked in front of the backend ({@link CheckedBackend}).
 */
public final class BatchNormKernels {
    private BatchNormKernels() {
    }

    /**
     * Batch normalization of {@code rows} rows of {@code cols} channels. Training: each channel's
     * batch mean and biased variance normalize it, are written to {@code statistics} (mean, then
     * {@code 1 / sqrt(variance + epsilon)}, cols values each) for backward, and update the moving
     * statistics, {@code moving = moving · momentum + batch · (1 - momentum)}. Inference: the
     * moving statistics normalize, nothing is written but {@code y}. y may be x. A null gamma is 1,
     * a null beta 0 (a layer without scale or center).
     */
    public static void batchNorm(boolean training, int rows, int cols, double momentum, double epsilon,
                                 Elements x, int xOffset, Elements gamma, int gammaOffset, Elements beta, int betaOffset,
                                 Elements movingMean, int movingMeanOffset, Elements movingVariance, int movingVarianceOffset,
                                 Elements statistics, int statisticsOffset, Elements y, int yOffset) {
        for (int c = 0; c < cols; c++) {
            double mean;
            double variance;
            if (training) {
                double sum = 0;
                for (int r = 0; r < rows; r++) {
                    sum += x.get(xOffset + r * cols + c);
                }
                mean = sum / rows;
                double squares = 0;
                for (int r = 0; r < rows; r++) {
                    double d = x.get(xOffset + r * cols + c) - mean;
                    squares += d * d;
                }
                variance = squares / rows;
                statistics.set(statisticsOffset + c, mean);
                statistics.set(statisticsOffset + cols + c, 1 / Math.sqrt(variance + epsilon));
                movingMean.set(movingMeanOffset + c, movingMean.get(movingMeanOffset + c) * momentum + mean * (1 - momentum));
                movingVariance.set(movingVarianceOffset + c,
                        movingVariance.get(movingVarianceOffset + c) * momentum + variance * (1 - momentum));
            } else {
                mean = movingMean.get(movingMeanOffset + c);
                variance = movingVariance.get(movingVarianceOffset + c);
            }
            double scale = channel(gamma, gammaOffset, c, 1) / Math.sqrt(variance + epsilon);
            double shift = channel(beta, betaOffset, c, 0) - mean * scale;
            for (int r = 0; r < rows; r++) {
                y.set(yOffset + r * cols + c, x.get(xOffset + r * cols + c) * scale + shift);
            }
        }
    }

    /**
     * The backward of a training {@link #batchNorm} from the statistics it wrote: with
     * {@code x̂ = (x - mean)·s}, {@code dBeta = Σ dy}, {@code dGamma = Σ dy·x̂} (both overwritten)
     * and {@code dx = gamma·s/rows · (rows·dy - dBeta - x̂·dGamma)} (overwritten). A null gamma is
     * 1; a null dGamma, dBeta or dx is skipped.
     */
    public static void batchNormBackward(int rows, int cols, Elements x, int xOffset, Elements gamma, int gammaOffset,
                                         Elements statistics, int statisticsOffset, Elements dy, int dyOffset,
                                         Elements dGamma, int dGammaOffset, Elements dBeta, int dBetaOffset,
                                         Elements dx, int dxOffset) {
        for (int c = 0; c < cols; c++) {
            double mean = statistics.get(statisticsOffset + c);
            double s = statistics.get(statisticsOffset + cols + c);
            double sumDy = 0;
            double sumDyXHat = 0;
            for (int r = 0; r < rows; r++) {
                double g = dy.get(dyOffset + r * cols + c);
                sumDy += g;
                sumDyXHat += g * (x.get(xOffset + r * cols + c) - mean) * s;
            }
            if (dBeta != null) {
                dBeta.set(dBetaOffset + c, sumDy);
            }
            if (dGamma != null) {
                dGamma.set(dGammaOffset + c, sumDyXHat);
            }
            if (dx != null) {
                double factor = channel(gamma, gammaOffset, c, 1) * s / rows;
                for (int r = 0; r < rows; r++) {
                    int i = r * cols + c;
                    double xHat = (x.get(xOffset + i) - mean) * s;
                    dx.set(dxOffset + i, factor * (rows * dy.get(dyOffset + i) - sumDy - xHat * sumDyXHat));
                }
            }
        }
    }

    /** Channel c of gamma or beta, or {@code absent} where the layer has none. */
    private static double channel(Elements values, int offset, int c, double absent) {
        return values == null ? absent : values.get(offset + c);
    }
}
