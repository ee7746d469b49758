package dev.annonet.runtime.backend.reference;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Elements;
import dev.annonet.runtime.backend.ElementsBackend;
import dev.annonet.runtime.backend.Memory;
import java.util.Arrays;

/**
 * The oracle: plain loops over float64 values, written to be obviously correct rather than fast;
 * activations, dropout, losses and accuracy are the shared kernels of {@link ElementsBackend}.
 * The fast backends are tested against it, and gradient checks run on it in double precision,
 * which is why it stores doubles although models hold float32 weights. Optimizer hyperparameters
 * arrive as floats and are widened before any arithmetic. Not thread-safe; {@link #fork} gives
 * another thread a backend of its own.
 */
public final class ReferenceBackend extends ElementsBackend {

    /**
     * The backing values of a reference memory, for tests and gradient checks to read and write
     * directly (in double precision, which upload/download would round to float).
     */
    public static double[] values(Memory memory) {
        return reference(memory).values;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Memory allocate(int size) {
        return new ReferenceMemory(size);
    }

    @Override
    public void upload(float[] source, int sourceOffset, Memory target, int targetOffset, int count) {
        double[] t = values(target);
        for (int i = 0; i < count; i++) {
            t[targetOffset + i] = source[sourceOffset + i];
        }
    }

    @Override
    public void download(Memory source, int sourceOffset, float[] target, int targetOffset, int count) {
        double[] s = values(source);
        for (int i = 0; i < count; i++) {
            target[targetOffset + i] = (float) s[sourceOffset + i];
        }
    }

    @Override
    public void fill(Memory target, int offset, int count, float value) {
        Arrays.fill(values(target), offset, offset + count, value);
    }

    /** The garbage collector reclaims it. */
    @Override
    public void release(Memory memory) {
        values(memory);
    }

    @Override
    public void copy(Memory source, int sourceOffset, Memory target, int targetOffset, int count) {
        System.arraycopy(values(source), sourceOffset, values(target), targetOffset, count);
    }

    @Override
    public void matmul(boolean transposeA, boolean transposeB, int m, int n, int k,
                       Memory a, int aOffset, Memory b, int bOffset, Memory c, int cOffset, boolean accumulate) {
        double[] av = values(a);
        double[] bv = values(b);
        double[] cv = values(c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    double aip = av[aOffset + (transposeA ? p * m + i : i * k + p)];
                    double bpj = bv[bOffset + (transposeB ? j * k + p : p * n + j)];
                    sum += aip * bpj;
                }
                int ij = cOffset + i * n + j;
                cv[ij] = accumulate ? cv[ij] + sum : sum;
            }
        }
    }

    @Override
    public void columnSums(int rows, int cols, Memory x, int xOffset, Memory sums, int sumsOffset) {
        double[] xv = values(x);
        double[] sv = values(sums);
        for (int j = 0; j < cols; j++) {
            double sum = 0;
            for (int i = 0; i < rows; i++) {
                sum += xv[xOffset + i * cols + j];
            }
            sv[sumsOffset + j] = sum;
        }
    }

    @Override
    public void sgd(int count, Memory weights, Memory gradients, Memory velocity,
                    float learningRate, float momentumFloat, boolean nesterov) {
        double momentum = momentumFloat;
        double[] w = values(weights);
        double[] g = values(gradients);
        if (momentum == 0) {
            for (int i = 0; i < count; i++) {
                w[i] -= learningRate * g[i];
            }
            return;
        }
        double[] v = values(velocity);
        for (int i = 0; i < count; i++) {
            v[i] = momentum * v[i] - learningRate * g[i];
            w[i] += nesterov ? momentum * v[i] - learningRate * g[i] : v[i];
        }
    }

    @Override
    public void rmsprop(int count, Memory weights, Memory gradients, Memory velocity,
                        float learningRate, float rhoFloat, float epsilon) {
        double rho = rhoFloat;
        double[] w = values(weights);
        double[] g = values(gradients);
        double[] v = values(velocity);
        for (int i = 0; i < count; i++) {
            v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
            w[i] -= learningRate * g[i] / Math.sqrt(v[i] + epsilon);
        }
    }

    @Override
    public void adam(int count, Memory weights, Memory gradients, Memory m, Memory v,
                     float learningRate, float beta1Float, float beta2Float, float epsilon, long t) {
        double beta1 = beta1Float;
        double beta2 = beta2Float;
        double[] w = values(weights);
        double[] g = values(gradients);
        double[] mv = values(m);
        double[] vv = values(v);
        double alpha = learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        for (int i = 0; i < count; i++) {
            mv[i] += (g[i] - mv[i]) * (1 - beta1);
            vv[i] += (g[i] * g[i] - vv[i]) * (1 - beta2);
            w[i] -= alpha * mv[i] / (Math.sqrt(vv[i]) + epsilon);
        }
    }

    /** Reference memories are plain arrays, which any reference backend reads: the fork borrows them as they are. */
    @Override
    public Backend fork() {
        return new ReferenceBackend();
    }

    @Override
    public Memory borrow(Memory memory) {
        return reference(memory);
    }

    /** Heap memory only: nothing to free. */
    @Override
    public void close() {
    }

    private static ReferenceMemory reference(Memory memory) {
        if (memory instanceof ReferenceMemory referenceMemory) {
            return referenceMemory;
        }
        throw new IllegalArgumentException("not a reference-backend memory: " + memory);
    }

    @Override
    protected Elements elements(Memory memory) {
        return reference(memory);
    }
}
