package dev.annonet.runtime.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.backend.LossKind;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.StepReplay;
import dev.annonet.runtime.backend.UpdateRule;
import org.junit.jupiter.api.Test;

/**
 * The replayed steps, on the host executor: results are collected oldest first, at most two steps
 * wait, starting over drops what a previous configuration left uncollected, and the values that
 * change from step to step come from the replay.
 */
class CudaStepReplayTest {

    @Test
    void resultsAreCollectedInOrderAndStartingOverDropsTheUncollected() {
        try (CudaBackend backend = CudaBackend.hostExecutor(true)) {
            StepReplay replay = backend.stepReplay();
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
            IllegalStateException full = assertThrows(IllegalStateException.class, () -> replay.replay(1, 0, 1, 0.01f, () -> {
                throw new AssertionError("a full queue must refuse before running anything");
            }));
            assertEquals("collect the results of the oldest replayed step before replaying another", full.getMessage());
            replay.collect();
            assertEquals(losses[0], replay.result(0));
            replay.collect();
            assertEquals(losses[1], replay.result(0));
            assertThrows(IllegalStateException.class, replay::collect);

            replayWithY(backend, y, 3, step); // left uncollected, as by a fit that failed
            replay.startOver();
            replayWithY(backend, y, 4, step);
            replay.collect();
            assertEquals(losses[3], replay.result(0));
        }
    }

    /**
     * A recorded step's optimizers take the learning rate each replay sets, not the one they were
     * called with while recording: a GPU replays the recording, so a new rate must come from memory.
     */
    @Test
    void aRecordedOptimizerReadsTheRateTheReplaySets() {
        try (CudaBackend backend = CudaBackend.hostExecutor(true)) {
            Memory weights = backend.allocate(3);
            Memory gradients = backend.allocate(3);
            Memory m = backend.allocate(3);
            Memory v = backend.allocate(3);
            backend.upload(new float[] {1, 1, 1}, 0, gradients, 0, 3);
            String[] optimizers = {"sgd", "rmsprop", "adam"};
            float[][] expected = new float[optimizers.length][];
            float[][] replayed = new float[optimizers.length][];
            for (int o = 0; o < optimizers.length; o++) {
                for (boolean recorded : new boolean[] {false, true}) {
                    backend.upload(new float[] {1, 1, 1}, 0, weights, 0, 3);
                    backend.fill(m, 0, 3, 0f);
                    backend.fill(v, 0, 3, 0f);
                    String optimizer = optimizers[o];
                    if (recorded) { // recorded with a rate of 100, replayed with 0.5
                        StepReplay replay = backend.stepReplay();
                        replay.replay(1, 0, 1, 0.5f, () -> update(backend, optimizer, 100f, weights, gradients, m, v));
                        replay.collect();
                    } else {
                        update(backend, optimizer, 0.5f, weights, gradients, m, v);
                    }
                    float[] values = new float[3];
                    backend.download(weights, 0, values, 0, 3);
                    if (recorded) {
                        replayed[o] = values;
                    } else {
                        expected[o] = values;
                    }
                }
            }
            assertArrayEquals(expected, replayed);
        }
    }

    private static void update(CudaBackend backend, String optimizer, float rate, Memory weights, Memory gradients,
                               Memory m, Memory v) {
        UpdateRule rule = switch (optimizer) {
            case "sgd" -> new UpdateRule.Sgd(0.9f, false);
            case "rmsprop" -> new UpdateRule.RmsProp(0.9f, 1e-7f);
            default -> new UpdateRule.Adam(0.9f, 0.999f, 1e-7f);
        };
        backend.update(rule, 3, weights, gradients, m, v, rate, 1);
    }

    private static void replayWithY(CudaBackend backend, Memory y, float value, Runnable step) {
        backend.upload(new float[] {value, value}, 0, y, 0, 2);
        backend.stepReplay().replay(1, 0, 1, 0.01f, step);
    }
}
