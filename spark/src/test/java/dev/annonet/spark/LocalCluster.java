package dev.annonet.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A standalone Spark cluster in this JVM (the {@code local-cluster} master: one worker that starts
 * an executor JVM with this JVM's class path), whose worker offers GPUs through a discovery script:
 * what Spark's local mode cannot do, since it offers tasks no GPUs.
 */
final class LocalCluster implements AutoCloseable {
    private final SparkSession spark;

    private LocalCluster(SparkSession spark) {
        this.spark = spark;
    }

    /** A worker of {@code cores} task slots offering the GPUs {@code gpus} (CUDA numbers), in {@code home}. */
    static LocalCluster start(Path home, int cores, String... gpus) throws IOException {
        // What local-cluster needs of a Spark installation when the executors get this JVM's class path.
        Files.writeString(home.resolve("RELEASE"), "annonet local-cluster test\n");
        Files.createDirectories(home.resolve("jars"));
        Files.createDirectories(home.resolve("launcher/target/scala-2.13"));
        Path discovery = home.resolve("gpus.sh");
        String addresses = List.of(gpus).stream().map(gpu -> "\"" + gpu + "\"").collect(Collectors.joining(","));
        Files.writeString(discovery, "#!/bin/sh\necho '{\"name\":\"gpu\",\"addresses\":[" + addresses + "]}'\n");
        Files.setPosixFilePermissions(discovery, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty("spark.testing", "true");
        System.setProperty("spark.test.home", home.toString());
        SparkSession spark = SparkSession.builder().master("local-cluster[1," + cores + ",2048]")
                .appName("annonet-spark-local-cluster")
                .config("spark.ui.enabled", "false")
                .config("spark.worker.resource.gpu.amount", String.valueOf(gpus.length))
                .config("spark.worker.resource.gpu.discoveryScript", discovery.toString())
                .config("spark.executor.resource.gpu.amount", String.valueOf(gpus.length))
                .config("spark.executor.resource.gpu.discoveryScript", discovery.toString())
                .config("spark.executor.extraJavaOptions", "--add-opens=java.base/java.lang=ALL-UNNAMED"
                        + " --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED"
                        + " --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED")
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
        return new LocalCluster(spark);
    }

    /** {@link SparkTest#frame} on this cluster. */
    Dataset<Row> frame(float[][][] data, int partitions) {
        return SparkTest.frame(spark, data, partitions);
    }

    @Override
    public void close() {
        try {
            spark.stop();
        } finally {
            System.clearProperty("spark.testing");
            System.clearProperty("spark.test.home");
        }
    }
}
