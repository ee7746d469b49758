package dev.annonet.spark;

import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.distributed.Communicator;
import dev.annonet.runtime.distributed.CommunicatorException;
import dev.annonet.runtime.distributed.NcclCommunicator;
import dev.annonet.runtime.distributed.TcpRing;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Data-parallel training on a Spark cluster, as XGBoost4J-Spark trains: one barrier stage for the
 * whole training ({@code RDD.barrier().mapPartitions}), one task per partition, each a rank. The
 * tasks exchange their {@link Rendezvous} with {@code BarrierTaskContext.allGather}: tasks with a
 * GPU join an NCCL communicator whose id rank 0 made, tasks without one annonet's TCP ring. They
 * share their rows over it so that every rank holds the whole training set in the partitions'
 * order, and run a data-parallel {@code fit} ({@code Fit.dataParallel}): the result equals one
 * process training on the collected rows at the global batch size. Only Spark's public API is
 * used. Tasks that cannot form a group end the stage alike and {@code fit} throws their reason.
 * When a task fails after the rendezvous, its ring closes, so its peers' calls end at once, and
 * Spark runs the whole stage again (up to {@code spark.stage.maxConsecutiveAttempts} times, 4 by
 * default): training starts over from the factory's initial weights and gives the same result.
 */
public final class SparkTraining {
    private SparkTraining() {
    }

    /**
     * Trains the network {@code factory} makes on the rows of {@code data}: {@code features} and
     * {@code targets} are columns of number arrays (one-hot rows, or class indices for a sparse
     * loss). One task per partition: repartition or coalesce {@code data} to the number of ranks
     * first, at most the number of task slots (a barrier stage runs all its tasks at once). The
     * training set must fit in each executor's memory.
     */
    public static TrainedModel fit(Dataset<Row> data, String features, String targets, ModelFactory factory,
                                   SparkFit options) {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(options, "options");
        RDD<Row> rows = data.select(features, targets).rdd();
        if (options.gpusPerTask() > 0) {
            rows = rows.withResources(new ResourceProfileBuilder()
                    .require(new TaskResourceRequests().resource("gpu", options.gpusPerTask())).build());
        }
        // The shuffle after the barrier stage makes it a map stage, which Spark runs again whole when a
        // task fails; a failed barrier result stage cannot be retried.
        List<Outcome> results = rows.barrier()
                .mapPartitions(new Rank(features, targets, factory, options), false, ClassTag$.MODULE$.apply(Outcome.class))
                .toJavaRDD().repartition(1).collect();
        if (results.size() != 1) {
            throw new IllegalStateException("expected rank 0's outcome alone, got " + results.size());
        }
        if (results.get(0).failure != null) {
            throw new IllegalStateException(results.get(0).failure);
        }
        return results.get(0).trained;
    }

    /**
     * What rank 0 sends the driver: the trained model, or why the tasks could not form a group. The
     * latter ends the barrier stage without failing it, since every task reached the same conclusion
     * and a rerun would reach it again; and Spark's message for a failed barrier stage names the
     * stage, not the task's error.
     */
    private static final class Outcome implements Serializable {
        private static final long serialVersionUID = 1L;

        private final TrainedModel trained;
        private final String failure;

        private Outcome(TrainedModel trained, String failure) {
            this.trained = trained;
            this.failure = failure;
        }

        static Outcome trained(TrainedModel trained) {
            return new Outcome(trained, null);
        }

        static Outcome failed(String failure) {
            return new Outcome(null, failure);
        }
    }

    /** One task of the barrier stage: a rank. */
    private static final class Rank extends AbstractFunction1<Iterator<Row>, Iterator<Outcome>> implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String features;
        private final String targets;
        private final ModelFactory factory;
        private final SparkFit options;

        Rank(String features, String targets, ModelFactory factory, SparkFit options) {
            this.features = features;
            this.targets = targets;
            this.factory = factory;
            this.options = options;
        }

        @Override
        public Iterator<Outcome> apply(Iterator<Row> partition) {
            BarrierTaskContext context = BarrierTaskContext.get();
            int rank = context.partitionId();
            int worldSize = context.getTaskInfos().length;
            String host = context.getTaskInfos()[rank].address().replaceFirst(":\\d+$", "");
            Shard shard = null;
            OptionalInt gpu = OptionalInt.empty();
            TcpRing.Endpoint endpoint = null;
            String message;
            try {
                shard = read(partition, rank);
                gpu = Rows.taskGpu();
                if (gpu.isPresent()) {
                    String problem = NcclCommunicator.loadProblem();
                    if (!problem.isEmpty()) {
                        throw new CommunicatorException(problem);
                    }
                    message = Rendezvous.ncclMessage(host, gpu.getAsInt(), rank == 0 ? NcclCommunicator.uniqueId() : null,
                            shard.describe());
                } else {
                    endpoint = TcpRing.Endpoint.bind(new InetSocketAddress(0));
                    message = Rendezvous.tcpRingMessage(host, endpoint.port(), shard.describe());
                }
            } catch (RuntimeException e) {
                // Told to the others rather than thrown here, so that every task ends with this problem.
                message = Rendezvous.failedMessage(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            try {
                Rendezvous rendezvous;
                try {
                    rendezvous = Rendezvous.agree(context.allGather(message));
                } catch (IllegalStateException e) {
                    return rankZero(rank, Outcome.failed(e.getMessage()));
                }
                try (Communicator communicator = rendezvous.kind() == Rendezvous.Kind.NCCL
                        ? NcclCommunicator.join(rendezvous.ncclId(), rank, worldSize, gpu.getAsInt(), options.timeout())
                        : endpoint.connect(rank, rendezvous.ringAddresses(), options.timeout())) {
                    List<Shard> shards = rendezvous.shards().stream().map(Shard::parse).toList();
                    Tensor[] data = shard.gather(communicator, shards, worldSize);
                    try (Model model = factory.create(Rows.device(gpu))) {
                        History history = model.fit(data[0], data[1], Fit.options().batchSize(options.batchSize())
                                .epochs(options.epochs()).shuffle(options.shuffle()).verbose(0).dataParallel(communicator));
                        return rankZero(rank, Outcome.trained(
                                new TrainedModel(TrainedModel.weightsOf(model), history.history())));
                    }
                }
            } finally {
                if (endpoint != null) {
                    endpoint.close();
                }
            }
        }

        private Shard read(Iterator<Row> partition, int rank) {
            List<float[]> x = new ArrayList<>();
            List<float[]> y = new ArrayList<>();
            while (partition.hasNext()) {
                Row row = partition.next();
                x.add(Rows.floats(row, 0, features));
                y.add(Rows.floats(row, 1, targets));
            }
            return Shard.of(rank, x, y, features, targets);
        }

        /** {@code outcome} from rank 0, nothing from the others. */
        private static Iterator<Outcome> rankZero(int rank, Outcome outcome) {
            List<Outcome> result = rank == 0 ? List.of(outcome) : Collections.emptyList();
            return CollectionConverters.asScala(result.iterator());
        }
    }
}
