package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.contract.Window2D;
import dev.annonet.runtime.backend.BackendPair;
import dev.annonet.runtime.backend.BackendPair.Twin;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.StepReplay;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Conv2D on cuDNN, on GPU 0 with cuDNN 9 installed: forward and backward against the reference
 * backend over strides, SAME and VALID, dilation, 1×1 and odd sizes at batch 1 and 5; the same
 * values from a replayed step graph as eagerly; and two runs bit for bit alike (deterministic
 * algorithms only). Tagged gpu: scripts/gpu-check.sh runs it.
 */
@Tag("gpu")
class CudnnConvolutionGpuTest {
    private static final Window2D[] WINDOWS = {
        Window2D.input(9, 8, 3).window(3, 3).output(7, 6, 5),
        Window2D.input(9, 8, 3).window(3, 3).strides(2, 2).padding(1, 1).output(5, 4, 4),
        Window2D.input(9, 9, 2).window(3, 3).dilation(2, 2).padding(2, 2).output(9, 9, 3),
        Window2D.input(7, 5, 17).window(1, 1).output(7, 5, 70),
        Window2D.input(11, 13, 6).window(5, 3).strides(2, 3).output(4, 4, 9),
        Window2D.input(28, 28, 1).window(3, 3).output(26, 26, 32),
        Window2D.input(14, 14, 64).window(3, 3).padding(1, 1).output(14, 14, 64)};
    private static final int[] BATCHES = {1, 5};

    /** Where the operands lie in one arena: [x | kernel | z | dz | dKernel | dx], columns after. */
    private record Arena(Window2D w, int batch) {
        int kernel() {
            return batch * w.inputSize();
        }

        int z() {
            return kernel() + w.patchSize() * w.outputChannels();
        }

        int dz() {
            return z() + batch * w.outputSize();
        }

        int dKernel() {
            return dz() + batch * w.outputSize();
        }

        int dx() {
            return dKernel() + w.patchSize() * w.outputChannels();
        }

        int columns() {
            return dx() + batch * w.inputSize();
        }

        int size() {
            return columns() + 2 * batch * w.outputPositions() * w.patchSize();
        }

        /** The convolution forward, then its backward into dKernel and dx. */
        void run(CudaBackend backend, Memory a) {
            int columns = columns(), dColumns = columns + batch * w.outputPositions() * w.patchSize();
            backend.conv2d(w, batch, a, 0, a, kernel(), a, columns, a, z());
            backend.conv2dBackward(w, batch, a, 0, a, kernel(), a, columns, a, dz(), a, dKernel(), a, dColumns, a, dx());
        }
    }

    private static CudaBackend gpu() {
        CudaBackend backend = CudaBackend.onDevice(0, false, true);
        assertTrue(backend.usesCudnn(), "this test needs cuDNN 9: " + CudaSupport.describeCudnn());
        return backend;
    }

    @Test
    void forwardAndBackwardMatchTheReferenceBackend() {
        CudaBackend gpu = gpu();
        try (BackendPair pair = new BackendPair(gpu, 19)) {
            for (Window2D w : WINDOWS) {
                for (int batch : BATCHES) {
                    Arena arena = new Arena(w, batch);
                    Twin memory = pair.uniformTwin(arena.size(), -1, 1);
                    pair.onBoth((backend, side) -> {
                        Memory a = side.apply(memory);
                        backend.conv2d(w, batch, a, 0, a, arena.kernel(), a, arena.columns(), a, arena.z());
                        int dColumns = arena.columns() + batch * w.outputPositions() * w.patchSize();
                        backend.conv2dBackward(w, batch, a, 0, a, arena.kernel(), a, arena.columns(), a, arena.dz(),
                                a, arena.dKernel(), a, dColumns, a, arena.dx());
                    });
                    assertTrue(gpu.convolutionRunsOnCudnn(w, batch), w + " at batch " + batch + " did not run on cuDNN");
                    pair.assertMatchesInNorm(memory, "cuDNN conv2d " + w + " at batch " + batch, 0, arena.columns());
                }
            }
        }
    }

    @Test
    void aReplayedStepGraphGivesTheEagerValuesAndTwoRunsAreBitForBitAlike() {
        try (CudaBackend backend = gpu()) {
            for (Window2D w : WINDOWS) {
                Arena arena = new Arena(w, 5);
                float[] values = new float[arena.size()];
                Random random = new Random(w.hashCode());
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextDouble() * 2 - 1);
                }
                float[] eager = runEagerly(backend, arena, values);
                assertArrayEquals(eager, runEagerly(backend, arena, values), "two eager runs of " + w);
                Memory a = backend.allocate(values.length);
                backend.upload(values, 0, a, 0, values.length);
                StepReplay replay = backend.stepReplay();
                // The first replay runs uncaptured (cuDNN's plans), the second records, the third replays the graph.
                for (int step = 1; step <= 3; step++) {
                    replay.replay(arena.batch(), step, step, 0.01f, () -> arena.run(backend, a));
                    replay.collect();
                }
                float[] replayed = new float[arena.columns()];
                backend.download(a, 0, replayed, 0, replayed.length);
                assertArrayEquals(eager, replayed, "the replayed step of " + w);
                backend.release(a);
            }
        }
    }

    private static float[] runEagerly(CudaBackend backend, Arena arena, float[] values) {
        Memory a = backend.allocate(values.length);
        backend.upload(values, 0, a, 0, values.length);
        arena.run(backend, a);
        float[] results = new float[arena.columns()];
        backend.download(a, 0, results, 0, results.length);
        backend.release(a);
        return results;
    }
}
