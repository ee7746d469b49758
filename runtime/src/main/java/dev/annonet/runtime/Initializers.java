package dev.annonet.runtime;

import dev.annonet.contract.Initializer;
import java.util.SplittableRandom;

/**
 * The initializers of the recurrent layers, drawn from the model's one random stream in layout
 * order as {@link Model} draws Glorot kernels. Keras's values differ (another generator); the
 * distributions are Keras's.
 */
final class Initializers {
    private Initializers() {
    }

    /** Writes the parameter's initial values into {@code values} at its offset; Zeros writes nothing. */
    static void fill(NetworkLayout.Parameter parameter, float[] values, SplittableRandom random) {
        int offset = parameter.offset();
        if (parameter.init() instanceof Initializer.Uniform uniform) {
            for (int i = 0; i < parameter.size(); i++) {
                values[offset + i] = (float) random.nextDouble(-uniform.limit(), uniform.limit());
            }
        } else if (parameter.init() instanceof Initializer.UnitForgetBias bias) {
            for (int i = bias.units(); i < 2 * bias.units(); i++) {
                values[offset + i] = 1f;
            }
        } else if (parameter.init() instanceof Initializer.Orthogonal orthogonal) {
            double[] matrix = orthogonal(orthogonal.rows(), orthogonal.cols(), random);
            for (int i = 0; i < matrix.length; i++) {
                values[offset + i] = (float) matrix[i];
            }
        }
    }

    /**
     * A (rows, cols) matrix, row-major, whose shorter side is orthonormal: Gram-Schmidt (modified,
     * applied twice for accuracy) on the longer-sided vectors of a standard Gaussian matrix, as
     * Keras's QR of a Gaussian matrix gives (up to the signs, which QR fixes by R's diagonal and
     * Gram-Schmidt by construction: both are Haar-distributed).
     */
    static double[] orthogonal(int rows, int cols, SplittableRandom random) {
        // Orthonormalize vectors of length n: the columns when rows ≥ cols, else the rows.
        boolean byColumns = rows >= cols;
        int count = byColumns ? cols : rows;
        int n = byColumns ? rows : cols;
        double[][] vectors = new double[count][n];
        for (double[] vector : vectors) {
            for (int i = 0; i < n; i++) {
                vector[i] = gaussian(random);
            }
        }
        for (int v = 0; v < count; v++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int u = 0; u < v; u++) {
                    double dot = dot(vectors[u], vectors[v]);
                    for (int i = 0; i < n; i++) {
                        vectors[v][i] -= dot * vectors[u][i];
                    }
                }
            }
            double norm = Math.sqrt(dot(vectors[v], vectors[v]));
            for (int i = 0; i < n; i++) {
                vectors[v][i] /= norm;
            }
        }
        double[] matrix = new double[rows * cols];
        for (int v = 0; v < count; v++) {
            for (int i = 0; i < n; i++) {
                matrix[byColumns ? i * cols + v : v * cols + i] = vectors[v][i];
            }
        }
        return matrix;
    }

    /** Box–Muller from two uniforms of the stream. */
    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble(); // in (0, 1]: the logarithm stays finite
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
