package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.backend.LossKind;
import dev.annonet.runtime.backend.Memory;
import org.junit.jupiter.api.Test;

/**
 * The replayed steps' result queue, on the host executor: results are collected oldest first, at
 * most two steps wait, and starting over drops what a previous configuration left uncollected.
 */
class CudaStepReplayTest {

    @Test
    void resultsAreCollectedInOrderAndStartingOverDropsTheUncollected() {
        try (CudaBackend backend = CudaBackend.hostExecutor(true)) {
            Memory y = backend.allocate(2);
            Memory targets = backend.allocate(2);
            Memory gradient = backend.allocate(2);
            // A "step" whose only result is the squared error of y against the targets.
            Runnable step = () -> backend.loss(LossKind.MEAN_SQUARED_ERROR, false, 1, 2, y, 0, null, 0, targets, 0, gradient, 0, 1f);
            double[] losses = new double[4];
            for (int i = 0; i < 4; i++) {
                losses[i] = (i + 1) * (i + 1); // y = (i + 1, i + 1), targets 0: mean squared error (i + 1)²
            }

            replayWithY(backend, y, 1, step);
            replayWithY(backend, y, 2, step);
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> backend.replay(1, 0, 1, 0.01f, () -> {
                throw new AssertionError("a full queue must refuse before running anything");
            }));
            assertEquals("collect the results of the oldest replayed step before replaying another", full.getMessage());
            backend.collect();
            assertEquals(losses[0], backend.result(0));
            backend.collect();
            assertEquals(losses[1], backend.result(0));
            assertThrows(IllegalStateException.class, backend::collect);

            replayWithY(backend, y, 3, step); // left uncollected, as by a fit that failed
            backend.startOver();
            replayWithY(backend, y, 4, step);
            backend.collect();
            assertEquals(losses[3], backend.result(0));
        }
    }

    private static void replayWithY(CudaBackend backend, Memory y, float value, Runnable step) {
        backend.upload(new float[] {value, value}, 0, y, 0, 2);
        backend.replay(1, 0, 1, 0.01f, step);
    }
}
