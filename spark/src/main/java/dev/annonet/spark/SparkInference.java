package dev.annonet.spark;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Predictor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Batch inference over a DataFrame: each partition's rows go through a {@link Predictor} a batch
 * at a time ({@code mapPartitions}), and the outputs come back as a new column of float arrays.
 * The weights travel once per executor (a broadcast); each executor makes and loads the model once,
 * on the task's GPU where Spark assigned one, and keeps it for every later task of the same
 * weights; each task predicts through a predictor of its own, so an executor's tasks run side by
 * side. A model stays loaded for the executor's life: each call of {@link #predict} (its own
 * broadcast) loads one more, so score with one call per set of weights rather than one per batch
 * of rows.
 */
public final class SparkInference {
    /** The models of this executor, by broadcast and device. */
    private static final Map<String, Model> MODELS = new ConcurrentHashMap<>();

    private SparkInference() {
    }

    /**
     * {@code data} with column {@code output} added: the network's output for each row's
     * {@code features} (an array of numbers), computed {@code batchSize} rows at a time by the
     * model {@code factory} makes, holding {@code trained}'s weights.
     */
    public static Dataset<Row> predict(Dataset<Row> data, String features, String output, ModelFactory factory,
                                       TrainedModel trained, int batchSize) {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(trained, "trained");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        StructType schema = data.schema();
        int column = schema.fieldIndex(features);
        StructType withOutput = schema.add(output, DataTypes.createArrayType(DataTypes.FloatType, false), false);
        Broadcast<TrainedModel> weights = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext())
                .broadcast(trained);
        MapPartitionsFunction<Row, Row> predictRows = rows -> {
            Device device = Rows.taskDevice();
            Model model = MODELS.computeIfAbsent(weights.id() + " " + device, key -> {
                Model made = factory.create(device);
                weights.value().loadInto(made);
                return made;
            });
            Predictor predictor = model.predictor();
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) context -> predictor.close());
            }
            return new Batches(rows, column, features, batchSize, predictor);
        };
        return data.mapPartitions(predictRows, Encoders.row(withOutput));
    }

    /** A partition's rows with their outputs appended, predicted a batch at a time as they are read. */
    private static final class Batches implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final int column;
        private final String features;
        private final int batchSize;
        private final Predictor predictor;
        private final List<Row> batch = new ArrayList<>();
        private float[][] outputs;
        private int next;

        Batches(Iterator<Row> rows, int column, String features, int batchSize, Predictor predictor) {
            this.rows = rows;
            this.column = column;
            this.features = features;
            this.batchSize = batchSize;
            this.predictor = predictor;
        }

        @Override
        public boolean hasNext() {
            if (next < batch.size()) {
                return true;
            }
            batch.clear();
            next = 0;
            while (batch.size() < batchSize && rows.hasNext()) {
                batch.add(rows.next());
            }
            if (batch.isEmpty()) {
                predictor.close();
                return false;
            }
            float[][] x = new float[batch.size()][];
            for (int i = 0; i < x.length; i++) {
                x[i] = Rows.floats(batch.get(i), column, features);
            }
            outputs = predictor.predict(x);
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Row row = batch.get(next);
            Object[] values = new Object[row.length() + 1];
            for (int i = 0; i < row.length(); i++) {
                values[i] = row.get(i);
            }
            values[row.length()] = outputs[next++];
            return RowFactory.create(values);
        }
    }
}
