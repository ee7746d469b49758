package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertValues;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Arrays;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A dense layer's kernels on the reference backend: matmul layouts, bias + activation, column sums, gradients. */
class DenseKernelsTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    // A = [[1, 2, 3], [4, 5, 6]] (2×3), B = [[1, 0], [0, 1], [2, -1]] (3×2), A·B = [[7, -1], [16, -1]].
    private static final double[] A = {1, 2, 3, 4, 5, 6};
    private static final double[] A_TRANSPOSED = {1, 4, 2, 5, 3, 6};
    private static final double[] B = {1, 0, 0, 1, 2, -1};
    private static final double[] B_TRANSPOSED = {1, 0, 2, 0, 1, -1};
    private static final double[] PRODUCT = {7, -1, 16, -1};

    @Test
    void matmulReadsEachOperandLayout() {
        for (boolean transposeA : new boolean[] {false, true}) {
            for (boolean transposeB : new boolean[] {false, true}) {
                Memory a = memory(backend, transposeA ? A_TRANSPOSED : A);
                Memory b = memory(backend, transposeB ? B_TRANSPOSED : B);
                Memory c = memory(backend, 9, 9, 9, 9);
                backend.matmul(transposeA, transposeB, 2, 2, 3, a, 0, b, 0, c, 0, false);
                assertValues(PRODUCT, values(c), "transposeA=" + transposeA + " transposeB=" + transposeB);
            }
        }
    }

    @Test
    void matmulAccumulatesAtOffsetsIntoOneMemory() {
        // One arena: [pad, A, pad, B, pad, C] as generated code addresses it.
        double[] arena = new double[1 + 6 + 1 + 6 + 1 + 4];
        System.arraycopy(A, 0, arena, 1, 6);
        System.arraycopy(B, 0, arena, 8, 6);
        Arrays.fill(arena, 15, 19, 1);
        Memory memory = memory(backend, arena);
        backend.matmul(false, false, 2, 2, 3, memory, 1, memory, 8, memory, 15, true);
        double[] expected = {8, 0, 17, 0};
        assertValues(expected, Arrays.copyOfRange(values(memory), 15, 19), "C += A·B");
        assertValues(new double[] {0, 0, 0}, new double[] {values(memory)[0], values(memory)[7], values(memory)[14]},
                "padding untouched");
    }

    @Test
    void biasActivationAddsBiasInPlaceThenActivates() {
        Memory z = memory(backend, -1, 0.5, 2, -3);
        Memory bias = memory(backend, 0.25, -1);
        Memory y = backend.allocate(4);
        backend.biasActivation(ActivationFunction.of(Activation.Kind.RELU), 2, 2, z, 0, bias, 0, y, 0);
        assertValues(new double[] {-0.75, -0.5, 2.25, -4}, values(z), "z + bias");
        assertValues(new double[] {0, 0, 2.25, 0}, values(y), "relu");
    }

    @Test
    void linearWithoutBiasMayWriteItsInput() {
        Memory z = memory(backend, 1, -2);
        backend.biasActivation(ActivationFunction.of(Activation.Kind.LINEAR), 1, 2, z, 0, null, 0, z, 0);
        assertValues(new double[] {1, -2}, values(z), "identity");
    }

    @Test
    void columnSumsOverwrite() {
        Memory x = memory(backend, 1, 2, 3, 4, 5, 6);
        Memory sums = memory(backend, 100, 100, 100);
        backend.columnSums(2, 3, x, 0, sums, 0);
        assertValues(new double[] {5, 7, 9}, values(sums), "column sums");
    }

    /**
     * y = f(x·W + b) with the objective Σ u⊙y for a random upstream gradient u; backward as
     * generated code schedules it: dz from the activation, dW = xᵀ·dz, db = column sums, dx = dz·Wᵀ.
     */
    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#activations")
    void gradientsMatchFiniteDifferences(ActivationFunction f) {
        int batch = 3;
        int in = 4;
        int out = 5;
        Random random = new Random(7);
        Memory x = memory(backend, uniform(random, batch * in, -1, 1));
        Memory kernel = memory(backend, uniform(random, in * out, -1, 1));
        Memory bias = memory(backend, uniform(random, out, -0.5, 0.5));
        Memory upstream = memory(backend, uniform(random, batch * out, -1, 1));
        Memory z = backend.allocate(batch * out);
        Memory y = backend.allocate(batch * out);
        Runnable forward = () -> {
            backend.matmul(false, false, batch, out, in, x, 0, kernel, 0, z, 0, false);
            backend.biasActivation(f, batch, out, z, 0, bias, 0, y, 0);
        };
        DoubleSupplier objective = () -> {
            forward.run();
            return TestData.dot(values(y), values(upstream));
        };

        forward.run();
        Memory dz = backend.allocate(batch * out);
        Memory dKernel = backend.allocate(in * out);
        Memory dBias = backend.allocate(out);
        Memory dx = backend.allocate(batch * in);
        backend.activationBackward(f, batch, out, z, 0, y, 0, upstream, 0, dz, 0);
        backend.matmul(true, false, in, out, batch, x, 0, dz, 0, dKernel, 0, false);
        backend.columnSums(batch, out, dz, 0, dBias, 0);
        backend.matmul(false, true, batch, in, out, dz, 0, kernel, 0, dx, 0, false);

        GradientCheck.assertGradient(f + " kernel", objective, values(kernel), values(dKernel));
        GradientCheck.assertGradient(f + " bias", objective, values(bias), values(dBias));
        GradientCheck.assertGradient(f + " input", objective, values(x), values(dx));
    }
}
