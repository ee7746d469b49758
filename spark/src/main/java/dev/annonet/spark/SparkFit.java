package dev.annonet.spark;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * The options of {@link SparkTraining#fit}: those of {@code Fit} that a Spark training takes (batch
 * size is the global batch, as in a data-parallel {@code fit}), the ring's timeout, and the GPUs
 * each task asks for through a resource profile.
 */
public final class SparkFit implements Serializable {
    private static final long serialVersionUID = 1L;

    private int batchSize = 32;
    private int epochs = 1;
    private boolean shuffle = true;
    private Duration timeout = Duration.ofSeconds(120);
    private int gpusPerTask;

    private SparkFit() {
    }

    /** Keras's defaults: global batch 32, 1 epoch, shuffled; a 120 s timeout; no GPU. */
    public static SparkFit options() {
        return new SparkFit();
    }

    /** The global batch: every task trains on its slice of each. */
    public SparkFit batchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    public SparkFit epochs(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be 0 or more, was " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    public SparkFit shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /** How long a task waits for the others: at the rendezvous and in each all-reduce. */
    public SparkFit timeout(Duration timeout) {
        if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * 1 to ask for a GPU for each training task, through a stage-level resource profile (a task-only
     * profile: the executors must offer {@code gpu} resources, {@code spark.executor.resource.gpu.amount}
     * with a discovery script, on standalone, YARN or Kubernetes); the tasks then train over NCCL. 0,
     * the default, asks for none. A task is one rank on one GPU: for more GPUs, more partitions.
     */
    public SparkFit gpusPerTask(int gpus) {
        if (gpus < 0 || gpus > 1) {
            throw new IllegalArgumentException("gpusPerTask is 0 or 1 (a training task is one rank on one GPU: for more"
                    + " GPUs, more partitions), was " + gpus);
        }
        this.gpusPerTask = gpus;
        return this;
    }

    int batchSize() {
        return batchSize;
    }

    int epochs() {
        return epochs;
    }

    boolean shuffle() {
        return shuffle;
    }

    Duration timeout() {
        return timeout;
    }

    int gpusPerTask() {
        return gpusPerTask;
    }
}
