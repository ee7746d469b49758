package dev.annonet.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.RecurrentKernels;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The LSTM and Embedding kernels of the CPU backend against the reference backend on the same
 * float inputs, operands at offsets inside shared memories: relative error below 1e-4.
 */
class RecurrentKernelsMatchReferenceTest {
    private static final double TOLERANCE = 1e-4;

    private final CpuBackend cpu = new CpuBackend();
    private final ReferenceBackend reference = new ReferenceBackend();
    private final Random random = new Random(99);

    @AfterEach
    void close() {
        cpu.close();
    }

    /** One memory per backend holding the same values; what each backend computed is compared per region. */
    private final class Twin {
        final Memory cpuMemory;
        final Memory referenceMemory;

        Twin(float[] values) {
            cpuMemory = cpu.allocate(values.length);
            referenceMemory = reference.allocate(values.length);
            cpu.upload(values, 0, cpuMemory, 0, values.length);
            reference.upload(values, 0, referenceMemory, 0, values.length);
        }

        Memory on(Backend backend) {
            return backend == cpu ? cpuMemory : referenceMemory;
        }

        void assertMatches(String what, int offset, int count) {
            float[] fast = new float[count];
            float[] exact = new float[count];
            cpu.download(cpuMemory, offset, fast, 0, count);
            reference.download(referenceMemory, offset, exact, 0, count);
            double difference = 0;
            double norm = 0;
            for (int i = 0; i < count; i++) {
                difference += Math.pow((double) fast[i] - exact[i], 2);
                norm += Math.pow(exact[i], 2);
            }
            double relative = Math.sqrt(difference) / Math.max(Math.sqrt(norm), Double.MIN_NORMAL);
            assertTrue(relative < TOLERANCE, what + ": relative error " + relative);
        }
    }

    private float[] uniform(int count, double low, double high) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (low + (high - low) * random.nextDouble());
        }
        return values;
    }

    private List<Backend> both() {
        List<Backend> backends = new ArrayList<>();
        backends.add(cpu);
        backends.add(reference);
        return backends;
    }

    @ParameterizedTest(name = "returnSequences={0}")
    @ValueSource(booleans = {false, true})
    void lstmForwardAndBackward(boolean returnSequences) {
        int batch = 5;
        int steps = 7;
        int inputs = 6;
        int units = 8;
        int pad = 3;
        int xSize = batch * steps * inputs;
        int ySize = batch * (returnSequences ? steps : 1) * units;
        int workspaceSize = batch * RecurrentKernels.lstmWorkspaceSize(steps, units);
        int weightCount = RecurrentKernels.lstmWeightCount(inputs, units);
        // arena: [pad, x, workspace, y]; parameters: [pad, weights]
        int xAt = pad;
        int workspaceAt = xAt + xSize;
        int yAt = workspaceAt + workspaceSize;
        Twin arena = new Twin(uniform(yAt + ySize, -1, 1));
        Twin gradients = new Twin(uniform(yAt + ySize, -1, 1)); // the upstream gradient at y, stale values elsewhere
        Twin parameters = new Twin(uniform(pad + weightCount, -0.5, 0.5));
        Twin parameterGradients = new Twin(uniform(pad + weightCount, -1, 1));
        for (Backend backend : both()) {
            backend.lstm(batch, steps, inputs, units, returnSequences, arena.on(backend), xAt,
                    parameters.on(backend), pad, arena.on(backend), workspaceAt, arena.on(backend), yAt);
            backend.lstmBackward(batch, steps, inputs, units, returnSequences, arena.on(backend), xAt,
                    parameters.on(backend), pad, arena.on(backend), workspaceAt, gradients.on(backend), yAt,
                    parameterGradients.on(backend), pad, gradients.on(backend), workspaceAt,
                    gradients.on(backend), xAt);
        }
        arena.assertMatches("output", yAt, ySize);
        parameterGradients.assertMatches("kernel gradient", pad, inputs * 4 * units);
        parameterGradients.assertMatches("recurrent kernel gradient", pad + inputs * 4 * units, units * 4 * units);
        parameterGradients.assertMatches("bias gradient", pad + (inputs + units) * 4 * units, 4 * units);
        gradients.assertMatches("input gradient", xAt, xSize);
    }

    @Test
    void embeddingForwardAndBackward() {
        int rows = 12;
        int inputDim = 9;
        int outputDim = 5;
        float[] indices = new float[rows + 2];
        for (int r = 0; r < rows; r++) {
            indices[2 + r] = random.nextInt(inputDim);
        }
        Twin arena = new Twin(concat(indices, new float[rows * outputDim]));
        Twin gradients = new Twin(uniform(2 + rows + rows * outputDim, -1, 1));
        Twin parameters = new Twin(uniform(1 + inputDim * outputDim, -1, 1));
        Twin parameterGradients = new Twin(uniform(1 + inputDim * outputDim, -1, 1));
        for (Backend backend : both()) {
            backend.embedding(rows, inputDim, outputDim, arena.on(backend), 2, parameters.on(backend), 1,
                    arena.on(backend), 2 + rows);
            backend.embeddingBackward(rows, inputDim, outputDim, arena.on(backend), 2, gradients.on(backend), 2 + rows,
                    parameterGradients.on(backend), 1);
        }
        arena.assertMatches("embedded rows", 2 + rows, rows * outputDim);
        parameterGradients.assertMatches("embeddings gradient", 1, inputDim * outputDim);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] all = new float[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
