package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.ActivationFunction;
import dev.annonet.runtime.backend.Memory;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CUDA backend's fused dense calls on the host executor, where a fused call runs the unfused
 * functions: the same values bit for bit as the backend with the fusion turned off, and the plans
 * made as on a GPU (one per distinct call; a call first met while a step records is planned after
 * it, outside the capture). What cuBLASLt itself computes is left to {@link GpuFusedEpiloguesTest}.
 */
class FusedEpiloguesTest {
    private static final int ROWS = 6;
    private static final int IN = 5;
    private static final int OUT = 4;

    @ParameterizedTest
    @MethodSource("dev.annonet.runtime.backend.TestData#activations")
    void fusedCallsEqualTheUnfusedOnesBitForBit(ActivationFunction f) {
        try (CudaBackend fused = CudaBackend.hostExecutor(false);
             CudaBackend unfused = CudaBackend.hostExecutor(false).withoutFusedEpilogues()) {
            assertTrue(fused.fusesEpilogues());
            assertFalse(unfused.fusesEpilogues());
            compareDenseLayers(unfused, fused, f, (expected, actual, what) -> assertArrayEquals(expected, actual, what));
            assertEquals(0, unfused.fusedPlans());
        }
    }

    /** How two results of one operand are compared; {@code what} names the activation, the bias and the operand. */
    interface Comparison {
        void assertAgree(float[] expected, float[] actual, String what);
    }

    /**
     * {@link #denseLayer} on both backends, with and without a bias, compared operand by operand: z
     * except for a plain ReLU, whose fused forward writes y alone (its backward reads y).
     */
    static void compareDenseLayers(CudaBackend unfused, CudaBackend fused, ActivationFunction f, Comparison comparison) {
        String[] names = {"z", "y", "dz", "dw", "dbias"};
        int first = f.equals(ActivationFunction.of(Activation.Kind.RELU)) ? 1 : 0;
        for (boolean withBias : new boolean[] {true, false}) {
            float[][] expected = denseLayer(unfused, f, withBias);
            float[][] actual = denseLayer(fused, f, withBias);
            for (int i = first; i < names.length; i++) {
                comparison.assertAgree(expected[i], actual[i], f + (withBias ? "" : " without bias") + ": " + names[i]);
            }
        }
    }

    /** The forward and the parameter gradients of one dense layer: z, y, dz, dw and dbias. */
    private static float[][] denseLayer(CudaBackend backend, ActivationFunction f, boolean withBias) {
        Random random = new Random(17);
        Memory x = upload(backend, random, ROWS * IN);
        Memory w = upload(backend, random, IN * OUT);
        Memory bias = upload(backend, random, OUT);
        Memory z = upload(backend, random, ROWS * OUT);
        Memory y = upload(backend, random, ROWS * OUT);
        Memory dy = upload(backend, random, ROWS * OUT);
        Memory dz = upload(backend, random, ROWS * OUT);
        Memory dw = upload(backend, random, IN * OUT);
        Memory dbias = upload(backend, random, OUT);
        backend.denseForward(f, ROWS, IN, OUT, x, 0, w, 0, withBias ? bias : null, 0, z, 0, y, 0);
        backend.activationBackward(f, ROWS, OUT, z, 0, y, 0, dy, 0, dz, 0);
        backend.denseParameterGradients(ROWS, IN, OUT, x, 0, dz, 0, dw, 0, dbias, 0);
        return new float[][] {download(backend, z), download(backend, y), download(backend, dz), download(backend, dw),
                download(backend, dbias)};
    }

    /** A plan per distinct call: the same call again reuses it, another shape or bias gets its own. */
    @Test
    void eachDistinctCallIsPlannedOnce() {
        try (CudaBackend backend = CudaBackend.hostExecutor(false)) {
            Random random = new Random(3);
            Memory x = upload(backend, random, ROWS * IN);
            Memory w = upload(backend, random, IN * OUT);
            Memory bias = upload(backend, random, 2 * OUT);
            Memory z = upload(backend, random, ROWS * OUT);
            Memory y = upload(backend, random, ROWS * OUT);
            ActivationFunction relu = ActivationFunction.of(Activation.Kind.RELU);
            backend.denseForward(relu, ROWS, IN, OUT, x, 0, w, 0, bias, 0, z, 0, y, 0);
            backend.denseForward(relu, ROWS, IN, OUT, x, 0, w, 0, bias, 0, z, 0, y, 0);
            assertEquals(1, backend.fusedPlans());
            backend.denseForward(relu, ROWS - 1, IN, OUT, x, 0, w, 0, bias, 0, z, 0, y, 0);
            backend.denseForward(relu, ROWS, IN, OUT, x, 0, w, 0, bias, OUT, z, 0, y, 0);
            assertEquals(3, backend.fusedPlans());
            // sigmoid fuses the bias alone (BIAS into z): another epilogue, another plan
            backend.denseForward(ActivationFunction.of(Activation.Kind.SIGMOID), ROWS, IN, OUT, x, 0, w, 0, bias, 0, z, 0, y, 0);
            assertEquals(4, backend.fusedPlans());
            // no bias and no ReLU: nothing to fuse, no plan
            backend.denseForward(ActivationFunction.of(Activation.Kind.TANH), ROWS, IN, OUT, x, 0, w, 0, null, 0, z, 0, y, 0);
            assertEquals(4, backend.fusedPlans());
        }
    }

    /**
     * A call first met while a step is captured runs nothing and waits (the backend runs it unfused
     * in that capture); once the capture has ended it is planned, and the next capture runs it
     * fused, with the values the unfused call gives. The host executor captures nothing, so this
     * drives the plans as the step recorder does on a GPU.
     */
    @Test
    void callsMetWhileCapturingArePlannedAfterTheCapture() {
        try (CudaBackend backend = CudaBackend.hostExecutor(false).withoutFusedEpilogues()) {
            Random random = new Random(5);
            CudaMemory x = (CudaMemory) upload(backend, random, ROWS * IN);
            CudaMemory w = (CudaMemory) upload(backend, random, IN * OUT);
            CudaMemory bias = (CudaMemory) upload(backend, random, OUT);
            CudaMemory z = (CudaMemory) upload(backend, random, ROWS * OUT);
            CudaMemory y = (CudaMemory) upload(backend, random, ROWS * OUT);
            CudaMemory dw = (CudaMemory) upload(backend, random, IN * OUT);
            CudaMemory dbias = (CudaMemory) upload(backend, random, OUT);
            ActivationFunction relu = ActivationFunction.of(Activation.Kind.RELU);
            FusedEpilogues fused = FusedEpilogues.open(backend.context(), backend.name());
            try {
                assertEquals(FusedEpilogues.Forward.UNFUSED,
                        fused.denseForward(relu, ROWS, IN, OUT, x.at(0), w.at(0), bias.at(0), z.at(0), y.at(0), true));
                assertFalse(fused.denseParameterGradients(ROWS, IN, OUT, x.at(0), y.at(0), dw.at(0), dbias.at(0), true));
                assertEquals(0, fused.plans(), "nothing is planned while capturing");
                assertTrue(fused.planPending(), "the capture's calls are planned after it: record the step again");
                assertEquals(2, fused.plans());
                assertFalse(fused.planPending(), "nothing waits any more");

                backend.denseForward(relu, ROWS, IN, OUT, x, 0, w, 0, bias, 0, z, 0, y, 0);
                backend.denseParameterGradients(ROWS, IN, OUT, x, 0, y, 0, dw, 0, dbias, 0);
                float[] unfused = concatenate(download(backend, y), download(backend, dw), download(backend, dbias));
                assertEquals(FusedEpilogues.Forward.INTO_Y,
                        fused.denseForward(relu, ROWS, IN, OUT, x.at(0), w.at(0), bias.at(0), z.at(0), y.at(0), true));
                assertTrue(fused.denseParameterGradients(ROWS, IN, OUT, x.at(0), y.at(0), dw.at(0), dbias.at(0), true));
                assertArrayEquals(unfused, concatenate(download(backend, y), download(backend, dw), download(backend, dbias)),
                        "the planned calls give what the unfused ones gave");
            } finally {
                fused.close();
            }
        }
    }

    private static Memory upload(CudaBackend backend, Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (random.nextDouble() * 2 - 1);
        }
        Memory memory = backend.allocate(count);
        backend.upload(values, 0, memory, 0, count);
        return memory;
    }

    private static float[] download(CudaBackend backend, Memory memory) {
        float[] values = new float[memory.size()];
        backend.download(memory, 0, values, 0, values.length);
        return values;
    }

    private static float[] concatenate(float[]... parts) {
        int length = 0;
        for (float[] part : parts) {
            length += part.length;
        }
        float[] all = new float[length];
        int at = 0;
        for (float[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
