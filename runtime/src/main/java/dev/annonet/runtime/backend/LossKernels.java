package dev.annonet.runtime.backend;

/**
 * Losses and accuracies, written once in double precision over {@link Elements} for every backend:
 * they touch only the output layer, so they are never a step's bottleneck. Definitions are Keras's
 * (see {@link LossKind}); arguments are checked by the calling backend.
 */
public final class LossKernels {
    /** Keras's {@code backend.epsilon()}: probabilities are clipped to [ε, 1 - ε]. */
    public static final double CLIP_EPSILON = 1e-7;

    private LossKernels() {
    }

    /**
     * The loss summed over rows, each row's times its weight when {@code weights} is not null;
     * when {@code gradient} is not null, also its gradient times {@code scale} (and the row's
     * weight), with respect to z when {@code fused} and to y otherwise (see {@link Backend#loss}).
     */
    public static double loss(LossKind kind, boolean fused, int rows, int cols, Elements y, int yOffset,
                              Elements z, int zOffset, Elements targets, int targetsOffset,
                              Elements weights, int weightsOffset, Elements gradient, int gradientOffset, double scale) {
        boolean sparse = kind == LossKind.SPARSE_CATEGORICAL_CROSSENTROPY;
        Elements output = fused ? z : y;
        int outputOffset = fused ? zOffset : yOffset;
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            int label = sparse ? label(targets, targetsOffset + r, cols, r) : -1;
            int targetRow = sparse ? -1 : targetsOffset + row;
            int outputRow = outputOffset + row;
            int gradientRow = gradientOffset + row;
            double weight = weights == null ? 1 : weights.get(weightsOffset + r);
            double rowScale = scale * weight;
            total += weight * (fused && kind != LossKind.BINARY_CROSSENTROPY
                    ? softmaxCrossentropy(cols, output, outputRow, targets, targetRow, label,
                            gradient, gradientRow, rowScale)
                    : elementWiseLoss(kind, fused, cols, output, outputRow, targets, targetRow, label,
                            gradient, gradientRow, rowScale));
        }
        return total;
    }

    /** Number of correct rows (categorical kinds: first maximum wins ties) or elements (binary). */
    public static long countCorrect(AccuracyKind kind, int rows, int cols, Elements y, int yOffset,
                                    Elements targets, int targetsOffset) {
        long correct = 0;
        for (int r = 0; r < rows; r++) {
            int row = r * cols;
            switch (kind) {
                case CATEGORICAL -> {
                    int predicted = argmax(y, yOffset + row, cols);
                    correct += predicted == argmax(targets, targetsOffset + row, cols) ? 1 : 0;
                }
                case SPARSE_CATEGORICAL -> {
                    int predicted = argmax(y, yOffset + row, cols);
                    correct += predicted == (int) targets.get(targetsOffset + r) ? 1 : 0;
                }
                case BINARY -> {
                    for (int c = 0; c < cols; c++) {
                        boolean predicted = y.get(yOffset + row + c) > 0.5;
                        correct += predicted == (targets.get(targetsOffset + row + c) > 0.5) ? 1 : 0;
                    }
                }
            }
        }
        return correct;
    }

    static int argmax(Elements values, int offset, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (values.get(offset + i) > values.get(offset + best)) {
                best = i;
            }
        }
        return best;
    }

    /** A sparse target is a class index; a wrong one would silently read another class's value. */
    static int label(Elements targets, int index, int cols, int row) {
        double value = targets.get(index);
        int label = (int) value;
        if (label != value || label < 0 || label >= cols) {
            throw new IllegalArgumentException("sparse target " + value + " of row " + row
                    + " is not a class index in [0, " + cols + ")");
        }
        return label;
    }

    /** A row's target at {@code col}: a dense value, or the one-hot row of a sparse label (label ≥ 0). */
    private static double target(Elements targets, int targetRow, int label, int col) {
        return label >= 0 ? (col == label ? 1 : 0) : targets.get(targetRow + col);
    }

    /** {@code -Σ t·log softmax(z)} from z; gradient {@code (p·Σt - t)·scale} w.r.t. z. */
    private static double softmaxCrossentropy(int cols, Elements z, int zRow,
                                              Elements targets, int targetRow, int label,
                                              Elements gradient, int gradientRow, double scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            max = Math.max(max, z.get(zRow + c));
        }
        double sumExp = 0;
        double targetSum = 0;
        for (int c = 0; c < cols; c++) {
            sumExp += Math.exp(z.get(zRow + c) - max);
            targetSum += target(targets, targetRow, label, c);
        }
        double logSumExp = Math.log(sumExp);
        double loss = 0;
        for (int c = 0; c < cols; c++) {
            double logP = z.get(zRow + c) - max - logSumExp;
            double target = target(targets, targetRow, label, c);
            loss -= target * logP;
            if (gradient != null) {
                gradient.set(gradientRow + c, (Math.exp(logP) * targetSum - target) * scale);
            }
        }
        return loss;
    }

    /**
     * The losses that are sums of one term per value (all but the fused softmax), averaged over the
     * row for binary cross-entropy and squared error as Keras does; gradient of each term times
     * {@code scale}.
     */
    private static double elementWiseLoss(LossKind kind, boolean fused, int cols, Elements output, int outputRow,
                                          Elements targets, int targetRow, int label,
                                          Elements gradient, int gradientRow, double scale) {
        boolean averaged = kind == LossKind.BINARY_CROSSENTROPY || kind == LossKind.MEAN_SQUARED_ERROR;
        double reduction = averaged ? 1.0 / cols : 1;
        double loss = 0;
        for (int c = 0; c < cols; c++) {
            double x = output.get(outputRow + c);
            double t = target(targets, targetRow, label, c);
            loss += term(kind, fused, x, t);
            if (gradient != null) {
                gradient.set(gradientRow + c, termDerivative(kind, fused, x, t) * reduction * scale);
            }
        }
        return loss * reduction;
    }

    /**
     * One value's loss term: of a probability x (clipped), or for fused binary cross-entropy of a
     * logit x, as {@code max(x, 0) - x·t + log(1 + exp(-|x|))}, which cannot overflow.
     */
    private static double term(LossKind kind, boolean fused, double x, double t) {
        return switch (kind) {
            case CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY -> -t * Math.log(clip(x));
            case BINARY_CROSSENTROPY -> fused
                    ? Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)))
                    : -(t * Math.log(clip(x)) + (1 - t) * Math.log(1 - clip(x)));
            case MEAN_SQUARED_ERROR -> (x - t) * (x - t);
        };
    }

    /** d term / dx; zero where the probability was clipped; {@code sigmoid(x) - t} when fused. */
    private static double termDerivative(LossKind kind, boolean fused, double x, double t) {
        return switch (kind) {
            case CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY -> unclipped(x) ? -t / x : 0;
            case BINARY_CROSSENTROPY -> fused
                    ? sigmoid(x) - t
                    : unclipped(x) ? (1 - t) / (1 - x) - t / x : 0;
            case MEAN_SQUARED_ERROR -> 2 * (x - t);
        };
    }

    /** Evaluated on the side where exp cannot overflow. */
    private static double sigmoid(double x) {
        double e = Math.exp(-Math.abs(x));
        return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    }

    private static double clip(double p) {
        return Math.min(Math.max(p, CLIP_EPSILON), 1 - CLIP_EPSILON);
    }

    private static boolean unclipped(double p) {
        return p >= CLIP_EPSILON && p <= 1 - CLIP_EPSILON;
    }
}
