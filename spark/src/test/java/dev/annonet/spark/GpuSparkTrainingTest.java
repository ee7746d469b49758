package dev.annonet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.distributed.NcclCommunicator;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a GPU with NCCL: a standalone cluster whose worker offers GPU 0, one training task (world
 * size 1) that gets it through {@code gpusPerTask(1)}'s resource profile, joins an NCCL
 * communicator through the rendezvous, and trains with its all-reduces in the step's CUDA graph to
 * the weights and losses of a plain fit on that GPU. Needs Maven and the spark module's test class
 * path (not in scripts/gpu-check.sh's bundle): README's Spark section gives the command.
 */
@Tag("gpu")
@Timeout(300)
class GpuSparkTrainingTest {
    @TempDir
    Path sparkHome;

    @Test
    void oneGpuTaskTrainsOverNcclAsPlainFitOnItsGpu() throws IOException {
        assertEquals("", NcclCommunicator.loadProblem());
        float[][][] data = SparkTest.data(256, 1);
        float[][] expected;
        History single;
        try (Model model = SparkTest.mlp(Device.cuda(0))) {
            single = model.fit(data[0], data[1], Fit.options().batchSize(64).epochs(3).verbose(0));
            expected = SparkTest.weights(model);
        }
        try (LocalCluster cluster = LocalCluster.start(sparkHome, 1, "0")) {
            TrainedModel trained = SparkTraining.fit(cluster.frame(data, 1), "features", "label", SparkTest::mlp,
                    SparkFit.options().batchSize(64).epochs(3).gpusPerTask(1));
            SparkTest.assertSameTraining(expected, single, trained);
        }
    }
}
