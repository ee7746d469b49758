package dev.annonet.runtime.backend.reference;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Elements;
import dev.annonet.runtime.backend.ElementsBackend;
import dev.annonet.runtime.backend.FreeMemory;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.UpdateRule;
import java.util.Arrays;

/**
 * The oracle: plain loops over float64 values, written to be obviously correct rather than fast;
 * activations, dropout, losses and accuracy are the shared kernels of {@link ElementsBackend}.
 * The fast backends are tested against it, and gradient checks run on it in double precision,
 * which is why it stores doubles although models hold float32 weights. Optimizer hyperparameters
 * arrive as floats and are widened before any arithmetic. Its kernels do not check their
 * arguments: {@link dev.annonet.runtime.backend.CheckedBackend} does, in front of it. Not
 * thread-safe; {@link #fork} gives another thread a backend of its own.
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
    public int bytesPerValue() {
        return Double.BYTES;
    }

    /** A Java array's limit. */
    @Override
    public int maxValues() {
        return Integer.MAX_VALUE - 8;
    }

    /** Its memories are Java arrays. */
    @Override
    public FreeMemory freeMemory() {
        return FreeMemory.javaHeap();
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

    /** Hyperparameters arrive as floats and are widened before any arithmetic. */
    @Override
    public void update(UpdateRule rule, int count, Memory weights, Memory gradients, Memory firstState,
                       Memory secondState, float learningRate, long t) {
        double[] w = values(weights);
        double[] g = values(gradients);
        switch (rule.kind()) {
            case SGD -> sgd((UpdateRule.Sgd) rule, count, w, g, firstState, learningRate);
            case RMSPROP -> rmsprop((UpdateRule.RmsProp) rule, count, w, g, values(firstState), learningRate);
            case ADAM -> adam((UpdateRule.Adam) rule, count, w, g, values(firstState), values(secondState), learningRate, t);
        }
    }

    private static void sgd(UpdateRule.Sgd rule, int count, double[] w, double[] g, Memory velocity, double learningRate) {
        double momentum = rule.momentum();
        if (momentum == 0) {
            for (int i = 0; i < count; i++) {
                w[i] -= learningRate * g[i];
            }
            return;
        }
        double[] v = values(velocity);
        for (int i = 0; i < count; i++) {
            v[i] = momentum * v[i] - learningRate * g[i];
            w[i] += rule.nesterov() ? momentum * v[i] - learningRate * g[i] : v[i];
        }
    }

    private static void rmsprop(UpdateRule.RmsProp rule, int count, double[] w, double[] g, double[] v,
                                double learningRate) {
        double rho = rule.rho();
        for (int i = 0; i < count; i++) {
            v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
            w[i] -= learningRate * g[i] / Math.sqrt(v[i] + rule.epsilon());
        }
    }

    private static void adam(UpdateRule.Adam rule, int count, double[] w, double[] g, double[] m, double[] v,
                             double learningRate, long t) {
        double beta1 = rule.beta1();
        double beta2 = rule.beta2();
        double alpha = learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        for (int i = 0; i < count; i++) {
            m[i] += (g[i] - m[i]) * (1 - beta1);
            v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
            w[i] -= alpha * m[i] / (Math.sqrt(v[i]) + rule.epsilon());
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
