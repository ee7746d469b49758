package dev.annonet.samples.sequence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Weights;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole generated models with {@code @Conv1D} and {@code @GRU} against Keras's formulas written
 * out by hand in double precision, on every backend: the processor's layout of the weights, its
 * window for each padding, and the runtime's kernels together.
 */
class Conv1DAndGruModelTest {

    static Stream<Device> devices() {
        return Stream.of(Device.reference(), Device.cpu(), Device.cudaHostExecutor());
    }

    @ParameterizedTest
    @MethodSource("devices")
    void conv1dIsKerasConv1D(Device device) {
        SplittableRandom random = new SplittableRandom(3);
        try (CausalConvModel model = CausalConvModel.create(device, 1)) {
            double[] causalKernel = randomize(model.causal().weight("kernel"), random);
            double[] causalBias = randomize(model.causal().weight("bias"), random);
            double[] stridedKernel = randomize(model.strided().weight("kernel"), random);
            double[] stridedBias = randomize(model.strided().weight("bias"), random);
            float[] series = new float[7 * 2];
            for (int i = 0; i < series.length; i++) {
                series[i] = (float) random.nextDouble(-1, 1);
            }
            // causal: (2 - 1) · 2 = 2 zeros before; strided, SAME: out = ceil(7 / 2) = 4, total (4 - 1)·2 + 3 - 7 = 2, one before
            double[] causal = conv1d(toDouble(series), 7, 2, causalKernel, causalBias, 2, 3, 1, 2, 2, 7);
            for (int i = 0; i < causal.length; i++) {
                causal[i] = Math.max(causal[i], 0);
            }
            double[] expected = conv1d(causal, 7, 3, stridedKernel, stridedBias, 3, 2, 2, 1, 1, 4);
            assertClose(expected, model.predict(series));
        }
    }

    @ParameterizedTest
    @MethodSource("devices")
    void gruIsKerasDefaultGru(Device device) {
        SplittableRandom random = new SplittableRandom(5);
        try (WordsGruModel model = WordsGruModel.create(device, 1)) {
            double[] table = randomize(model.embed().weight("embeddings"), random);
            double[] kernel = randomize(model.gru().weight("kernel"), random);
            double[] recurrent = randomize(model.gru().weight("recurrent_kernel"), random);
            double[] bias = randomize(model.gru().weight("bias"), random);
            int[] words = {4, 0, 5, 4};
            int units = 2;
            double[] h = new double[units];
            double[] expected = new double[words.length * units];
            for (int t = 0; t < words.length; t++) {
                double[] x = new double[3];
                System.arraycopy(table, words[t] * 3, x, 0, 3);
                double[] inputPart = affine(x, kernel, bias, 0, 3 * units);
                double[] recurrentPart = affine(h, recurrent, bias, 3 * units, 3 * units);
                double[] next = new double[units];
                for (int u = 0; u < units; u++) {
                    double z = sigmoid(inputPart[u] + recurrentPart[u]);
                    double r = sigmoid(inputPart[units + u] + recurrentPart[units + u]);
                    double candidate = Math.tanh(inputPart[2 * units + u] + r * recurrentPart[2 * units + u]);
                    next[u] = z * h[u] + (1 - z) * candidate;
                }
                h = next;
                System.arraycopy(h, 0, expected, t * units, units);
            }
            float[] sample = new float[words.length];
            for (int t = 0; t < words.length; t++) {
                sample[t] = words[t];
            }
            assertClose(expected, model.predict(sample));
        }
    }

    /**
     * Keras's Conv1D over (steps, channels), kernel (k, channels, filters): output step t reads
     * input steps {@code t·stride - padBefore + j·dilation}, zero outside the input.
     */
    private static double[] conv1d(double[] x, int steps, int channels, double[] kernel, double[] bias, int k, int filters,
                                   int stride, int dilation, int padBefore, int outputSteps) {
        double[] y = new double[outputSteps * filters];
        for (int t = 0; t < outputSteps; t++) {
            for (int f = 0; f < filters; f++) {
                double sum = bias[f];
                for (int j = 0; j < k; j++) {
                    int step = t * stride - padBefore + j * dilation;
                    if (step >= 0 && step < steps) {
                        for (int c = 0; c < channels; c++) {
                            sum += x[step * channels + c] * kernel[(j * channels + c) * filters + f];
                        }
                    }
                }
                y[t * filters + f] = sum;
            }
        }
        return y;
    }

    /** {@code v · matrix + bias[biasOffset ...]}, the matrix (v.length, width) row-major. */
    private static double[] affine(double[] v, double[] matrix, double[] bias, int biasOffset, int width) {
        double[] out = new double[width];
        for (int col = 0; col < width; col++) {
            double sum = bias[biasOffset + col];
            for (int row = 0; row < v.length; row++) {
                sum += v[row] * matrix[row * width + col];
            }
            out[col] = sum;
        }
        return out;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Sets the weight to values in [-0.5, 0.5) and returns them. */
    private static double[] randomize(Weights weights, SplittableRandom random) {
        int size = 1;
        for (int dim : weights.shape()) {
            size *= dim;
        }
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextDouble(-0.5, 0.5);
        }
        weights.set(values);
        return toDouble(values);
    }

    private static double[] toDouble(float[] values) {
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        return doubles;
    }

    private static void assertClose(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "output size");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "value " + i);
        }
    }
}
