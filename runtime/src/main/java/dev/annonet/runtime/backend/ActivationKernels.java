package dev.annonet.runtime.backend;

import dev.annonet.dsl.Activation;

/**
 * A dense layer's bias + activation and its backward, written once in double precision over
 * {@link Elements}: the reference backend's implementation, and a fast backend's fallback for the
 * kinds it does not specialize. Arguments are checked by the calling backend.
 */
public final class ActivationKernels {
    private ActivationKernels() {
    }

    /** {@code z += bias} per row (skipped when bias is null), then {@code y = f(z)}. */
    public static void biasActivation(ActivationFunction f, int rows, int cols, Elements z, int zOffset,
                                      Elements bias, int biasOffset, Elements y, int yOffset) {
        if (bias != null) {
            addBias(rows, cols, z, zOffset, bias, biasOffset);
        }
        if (f.kind() == Activation.Kind.SOFTMAX) {
            softmax(rows, cols, z, zOffset, y, yOffset);
        } else {
            apply(f, rows * cols, z, zOffset, y, yOffset);
        }
    }

    public static void addBias(int rows, int cols, Elements z, int zOffset, Elements bias, int biasOffset) {
        for (int r = 0; r < rows; r++) {
            int row = zOffset + r * cols;
            for (int c = 0; c < cols; c++) {
                z.set(row + c, z.get(row + c) + bias.get(biasOffset + c));
            }
        }
    }

    /** {@code y = f(z)} element-wise; y may be z. */
    public static void apply(ActivationFunction f, int count, Elements z, int zOffset, Elements y, int yOffset) {
        for (int i = 0; i < count; i++) {
            y.set(yOffset + i, f.apply(z.get(zOffset + i)));
        }
    }

    /** Each row's softmax, shifted by the row's maximum so that no exponential overflows; y may be z. */
    public static void softmax(int rows, int cols, Elements z, int zOffset, Elements y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            int zRow = zOffset + r * cols;
            int yRow = yOffset + r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, z.get(zRow + c));
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                double e = Math.exp(z.get(zRow + c) - max);
                y.set(yRow + c, e);
                sum += e;
            }
            for (int c = 0; c < cols; c++) {
                y.set(yRow + c, y.get(yRow + c) / sum);
            }
        }
    }

    /**
     * {@code dz = dy ⊙ f'(z)}, for softmax the row-wise Jacobian product {@code y ⊙ (dy - dy·y)}.
     * dz may be dy.
     */
    public static void backward(ActivationFunction f, int rows, int cols, Elements z, int zOffset,
                                Elements y, int yOffset, Elements dy, int dyOffset, Elements dz, int dzOffset) {
        if (f.kind() == Activation.Kind.SOFTMAX) {
            softmaxBackward(rows, cols, y, yOffset, dy, dyOffset, dz, dzOffset);
            return;
        }
        for (int i = 0; i < rows * cols; i++) {
            dz.set(dzOffset + i, dy.get(dyOffset + i) * f.derivative(z.get(zOffset + i), y.get(yOffset + i)));
        }
    }

    private static void softmaxBackward(int rows, int cols, Elements y, int yOffset,
                                        Elements dy, int dyOffset, Elements dz, int dzOffset) {
        for (int r = 0; r < rows; r++) {
            int yRow = yOffset + r * cols;
            int dyRow = dyOffset + r * cols;
            int dzRow = dzOffset + r * cols;
            double dot = 0;
            for (int c = 0; c < cols; c++) {
                dot += dy.get(dyRow + c) * y.get(yRow + c);
            }
            for (int c = 0; c < cols; c++) {
                dz.set(dzRow + c, y.get(yRow + c) * (dy.get(dyRow + c) - dot));
            }
        }
    }
}
