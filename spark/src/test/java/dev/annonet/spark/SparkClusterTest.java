package dev.annonet.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.annonet.runtime.distributed.NcclCommunicator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone cluster in this JVM (Spark's {@code local-cluster} master: a worker that starts an
 * executor JVM), whose worker offers two GPUs through a discovery script, on a machine without
 * NCCL: {@code gpusPerTask(1)}'s resource profile gives each task a GPU, each GPU task finds NCCL
 * missing, and the training ends on the driver with NCCL's problem named for both tasks, at the
 * first attempt and without a task left waiting. (Spark's local mode offers no GPUs to tasks.)
 */
@Timeout(120)
class SparkClusterTest {
    @TempDir
    Path sparkHome;

    @Test
    void gpuTasksWithoutNcclEndTheTrainingNamingTheLibrary() throws IOException {
        assumeFalse(NcclCommunicator.loadProblem().isEmpty(), "NCCL loads here; this test shows a machine without it");
        // What local-cluster needs of a Spark installation: the executors get this JVM's class path.
        Files.writeString(sparkHome.resolve("RELEASE"), "local-cluster test\n");
        Files.createDirectories(sparkHome.resolve("jars"));
        Files.createDirectories(sparkHome.resolve("launcher/target/scala-2.13"));
        Path discovery = sparkHome.resolve("gpus.sh");
        Files.writeString(discovery, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}'\n");
        Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", sparkHome.toString());
        SparkSession spark = SparkSession.builder().master("local-cluster[1,2,1024]").appName("annonet-spark-cluster-test")
                .config("spark.ui.enabled", "false")
                .config("spark.worker.resource.gpu.amount", "2")
                .config("spark.worker.resource.gpu.discoveryScript", discovery.toString())
                .config("spark.executor.resource.gpu.amount", "2")
                .config("spark.executor.resource.gpu.discoveryScript", discovery.toString())
                .config("spark.executor.extraJavaOptions", "--add-opens=java.base/java.lang=ALL-UNNAMED"
                        + " --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED"
                        + " --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED")
                .getOrCreate();
        try {
            spark.sparkContext().setLogLevel("ERROR");
            StructType schema = new StructType()
                    .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                    .add("label", DataTypes.createArrayType(DataTypes.FloatType, false), false);
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                rows.add(RowFactory.create(new float[20], new float[] {1, 0, 0, 0}));
            }
            Dataset<Row> frame = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(rows, 2), schema);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SparkTraining.fit(frame,
                    "features", "label", SparkTest::mlp, SparkFit.options().batchSize(16).gpusPerTask(1)));
            assertTrue(e.getMessage().startsWith("the training tasks cannot form a group: tasks 0, 1 failed: NCCL"
                    + " (libnccl.so.2) was not found"), e.getMessage());
        } finally {
            spark.stop();
            System.clearProperty("spark.testing");
            System.clearProperty("spark.test.home");
        }
    }
}
