package dev.annonet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spark in local mode with 2 task slots: training as one barrier stage equals one process at the
 * global batch size, a task that dies makes Spark run the stage again to the same result, and
 * inference over 100,000 rows equals the model's own predict.
 */
@Timeout(180)
class SparkTest {
    private static final int ROWS = 256;
    private static final int FEATURES = 20;
    private static final int CLASSES = 4;
    private static final StructType SCHEMA = new StructType()
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("label", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    /** Tasks that died on purpose, counted in this JVM (local mode runs the tasks here). */
    private static final AtomicInteger INJECTED_FAILURES = new AtomicInteger();
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        // local[2, 4]: two task slots, and a task may fail up to 4 times before the job does
        spark = SparkSession.builder().master("local[2,4]").appName("annonet-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    static Model mlp(Device device) {
        SparkMlpModel model = SparkMlpModel.create(device, 42);
        model.compile(Optimizers.rmsprop(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
        return model;
    }

    /** Rank 1 dies in the stage's first attempt, after the ring has formed. */
    static Model mlpThatDiesOnce(Device device) {
        TaskContext task = TaskContext.get();
        if (task.partitionId() == 1 && task.stageAttemptNumber() == 0) {
            INJECTED_FAILURES.incrementAndGet();
            throw new IllegalStateException("rank 1 dies on purpose in the stage's first attempt");
        }
        return mlp(device);
    }

    @Test
    void trainingInOneBarrierStageEqualsOneProcessAtTheGlobalBatch() {
        float[][][] data = data(ROWS, 1);
        float[][] expected;
        History single;
        try (Model model = mlp(Device.cpu())) {
            single = model.fit(data[0], data[1], Fit.options().batchSize(64).epochs(3).verbose(0));
            expected = weights(model);
        }
        TrainedModel trained = SparkTraining.fit(frame(spark, data, 2), "features", "label", SparkTest::mlp,
                SparkFit.options().batchSize(64).epochs(3));
        assertSameTraining(expected, single, trained);
    }

    @Test
    void aTaskThatDiesMakesSparkRunTheStageAgainToTheSameResult() {
        float[][][] data = data(ROWS, 1);
        float[][] expected;
        History single;
        try (Model model = mlp(Device.cpu())) {
            single = model.fit(data[0], data[1], Fit.options().batchSize(64).epochs(3).verbose(0));
            expected = weights(model);
        }
        int failuresBefore = INJECTED_FAILURES.get();
        TrainedModel trained = SparkTraining.fit(frame(spark, data, 2), "features", "label", SparkTest::mlpThatDiesOnce,
                SparkFit.options().batchSize(64).epochs(3));
        assertEquals(failuresBefore + 1, INJECTED_FAILURES.get(), "rank 1 died once");
        assertSameTraining(expected, single, trained);
    }

    @Test
    void aTaskThatCannotReadItsRowsFailsEveryTaskWithItsProblemInsteadOfLeavingThemWaiting() {
        float[][][] data = data(ROWS, 1);
        data[0][ROWS - 1] = new float[FEATURES - 1];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SparkTraining.fit(frame(spark, data, 2),
                "features", "label", SparkTest::mlp, SparkFit.options().batchSize(64).epochs(1)));
        assertEquals("the training tasks cannot form a group: task 1 failed: column 'features' holds 19 values in row 127"
                + " of partition 1 but 20 in its first row; every row needs the same number", e.getMessage());
    }

    @Test
    void inferenceOverAHundredThousandRowsEqualsPredict() {
        float[][][] training = data(ROWS, 1);
        TrainedModel trained = SparkTraining.fit(frame(spark, training, 2), "features", "label", SparkTest::mlp,
                SparkFit.options().batchSize(64).epochs(1));
        float[][][] rows = data(100_000, 2);
        float[][] expected;
        try (Model model = mlp(Device.cpu())) {
            trained.loadInto(model);
            expected = model.predict(rows[0]);
        }
        Dataset<Row> scored = SparkInference.predict(frame(spark, rows, 2), "features", "probabilities", SparkTest::mlp,
                trained, 1024);
        List<Row> collected = scored.select("probabilities").collectAsList();
        assertEquals(100_000, collected.size());
        for (int i = 0; i < collected.size(); i++) {
            List<Float> actual = collected.get(i).getList(0);
            float[] values = new float[actual.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = actual.get(c);
            }
            assertArrayEquals(expected[i], values, 1e-6f, "row " + i);
        }
    }

    static void assertSameTraining(float[][] expected, History single, TrainedModel trained) {
        try (Model model = mlp(Device.cpu())) {
            trained.loadInto(model);
            float[][] actual = weights(model);
            for (int w = 0; w < expected.length; w++) {
                assertArrayEquals(expected[w], actual[w], 1e-6f, "weight " + w);
            }
        }
        List<Double> losses = trained.history().get("loss");
        assertEquals(single.get("loss").size(), losses.size());
        for (int epoch = 0; epoch < losses.size(); epoch++) {
            assertEquals(single.get("loss").get(epoch), losses.get(epoch), 1e-5, "loss of epoch " + (epoch + 1));
        }
        assertTrue(trained.history().containsKey("accuracy"), trained.history().keySet().toString());
    }

    /** {@code rows} random feature rows and one-hot labels that depend on them (a learnable rule). */
    static float[][][] data(int rows, long seed) {
        Random random = new Random(seed);
        float[][] x = new float[rows][FEATURES];
        float[][] y = new float[rows][CLASSES];
        for (int i = 0; i < rows; i++) {
            for (int f = 0; f < FEATURES; f++) {
                x[i][f] = random.nextFloat() * 2 - 1;
            }
            y[i][(x[i][0] > 0 ? 2 : 0) + (x[i][1] > 0 ? 1 : 0)] = 1;
        }
        return new float[][][] {x, y};
    }

    /** The rows in order, cut into {@code partitions} consecutive partitions, in {@code spark}. */
    static Dataset<Row> frame(SparkSession spark, float[][][] data, int partitions) {
        List<Row> rows = new ArrayList<>(data[0].length);
        for (int i = 0; i < data[0].length; i++) {
            rows.add(RowFactory.create(data[0][i], data[1][i]));
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(context.parallelize(rows, partitions), SCHEMA);
    }

    static float[][] weights(Model model) {
        return model.weights().stream().map(Weights::toArray).toArray(float[][]::new);
    }
}
