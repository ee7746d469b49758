package dev.annonet.runtime;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ThreadsTest's contract on GPU 0, where predictors take turns on the model's backend (one
 * stream) and every call may come from another host thread. Run by scripts/gpu-check.sh.
 */
@Tag("gpu")
class CudaDeviceThreadsTest {
    private final ThreadsTest scenarios = new ThreadsTest();

    @AfterEach
    void stopThreads() {
        scenarios.stopThreads();
    }

    @Test
    void threadsPredictingOnOneModelGetTheSingleThreadedResults() throws Exception {
        scenarios.threadsPredictingOnOneModelGetTheSingleThreadedResults(Device.cuda(0));
    }

    @Test
    void predictorsOnSeveralThreadsGiveTheModelsOutputs() throws Exception {
        scenarios.predictorsOnSeveralThreadsGiveTheModelsOutputs(Device.cuda(0));
    }

    @Test
    void concurrentFitsTakeTurnsAndEqualFitsInSequence() throws Exception {
        scenarios.concurrentFitsTakeTurnsAndEqualFitsInSequence(Device.cuda(0));
    }

    @Test
    void closingWhilePredictingOrFittingWaitsAndThenRefuses() throws Exception {
        scenarios.closingWhilePredictingOrFittingWaitsAndThenRefuses(Device.cuda(0));
    }

    @Test
    void predictorsOfAClosedModelOrClosedThemselvesRefuse() {
        scenarios.predictorsOfAClosedModelOrClosedThemselvesRefuse(Device.cuda(0));
    }

    @Test
    void predictionsSeeTheWeightsBeforeOrAfterALoadNeverHalfOfIt(@TempDir Path directory) throws Exception {
        scenarios.predictionsSeeTheWeightsBeforeOrAfterALoadNeverHalfOfIt(Device.cuda(0), directory);
    }
}
