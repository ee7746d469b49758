package dev.annonet.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.annonet.runtime.distributed.NcclCommunicator;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone cluster whose worker offers two GPUs, on a machine without NCCL:
 * {@code gpusPerTask(1)}'s resource profile gives each task a GPU, each GPU task finds NCCL
 * missing, and the training ends on the driver with NCCL's problem named for both tasks, at the
 * first attempt and without a task left waiting.
 */
@Timeout(120)
class SparkClusterTest {
    @TempDir
    Path sparkHome;

    @Test
    void gpuTasksWithoutNcclEndTheTrainingNamingTheLibrary() throws IOException {
        assumeFalse(NcclCommunicator.loadProblem().isEmpty(), "NCCL loads here; this test shows a machine without it");
        try (LocalCluster cluster = LocalCluster.start(sparkHome, 2, "0", "1")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SparkTraining.fit(
                    cluster.frame(SparkTest.data(64, 1), 2), "features", "label", SparkTest::mlp,
                    SparkFit.options().batchSize(16).gpusPerTask(1)));
            assertTrue(e.getMessage().startsWith("the training tasks cannot form a group: tasks 0, 1 failed: NCCL"
                    + " (libnccl.so.2) was not found"), e.getMessage());
        }
    }
}
