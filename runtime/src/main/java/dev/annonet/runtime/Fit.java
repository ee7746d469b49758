package dev.annonet.runtime;

import dev.annonet.runtime.callbacks.Callback;
import dev.annonet.runtime.distributed.Communicator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The options of {@link Model#fit}, Keras's keyword arguments: {@code Fit.options().batchSize(128).epochs(20)}.
 * Each setter checks its value at once and changes this object in place.
 */
public final class Fit {
    static final int DEFAULT_BATCH_SIZE = 32;

    private int batchSize = DEFAULT_BATCH_SIZE;
    private int epochs = 1;
    private int verbose = 1;
    /** One tensor per input and one of targets per output, or null. */
    private Tensor[] validationInputs;
    private Tensor[] validationTargets;
    private double validationSplit;
    private Map<Integer, Double> classWeight;
    private Tensor sampleWeight;
    private boolean shuffle = true;
    private PrintStream output = System.out;
    private Callback[] callbacks = new Callback[0];
    private int initialEpoch;
    private Path resumeFrom;
    private Communicator dataParallel;

    private Fit() {
    }

    /** Keras's defaults: batch size 32, 1 epoch, a progress bar, shuffled, no validation data, to System.out. */
    public static Fit options() {
        return new Fit();
    }

    /** Samples per gradient step; the last batch of an epoch holds the remainder. */
    public Fit batchSize(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    public Fit epochs(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be 0 or more, was " + epochs);
        }
        this.epochs = epochs;
        return this;
    }

    /** 0: silent; 1: a progress bar per epoch; 2: one line per epoch. */
    public Fit verbose(int verbose) {
        if (verbose < 0 || verbose > 2) {
            throw new IllegalArgumentException("verbose must be 0, 1 or 2, was " + verbose);
        }
        this.verbose = verbose;
        return this;
    }

    /** Data evaluated at the end of each epoch, reported as {@code val_loss} and {@code val_<metric>}. */
    public Fit validationData(Tensor x, Tensor y) {
        return validationData(List.of(Objects.requireNonNull(x, "validation x")),
                List.of(Objects.requireNonNull(y, "validation y")));
    }

    /**
     * Keras's {@code validation_data=([x1, x2], [y1, y2])} for a network with several inputs or
     * outputs: one tensor per input and one of targets per output, in the order the generated
     * {@code fit} takes them; named {@code val_<output>_loss} and so on.
     */
    public Fit validationData(List<Tensor> inputs, List<Tensor> targets) {
        this.validationInputs = List.copyOf(inputs).toArray(Tensor[]::new);
        this.validationTargets = List.copyOf(targets).toArray(Tensor[]::new);
        return this;
    }

    public Fit validationData(float[][] x, float[][] y) {
        return validationData(Tensor.of(x), Tensor.of(y));
    }

    /**
     * Keras's {@code validation_split}: the last {@code fraction} of the samples (taken before
     * shuffling, {@code floor(samples · fraction)} of them) are held out of training and evaluated
     * at the end of each epoch as validation data; {@link #validationData} takes precedence. With
     * {@link #sampleWeight} the held-out samples' weights weigh their validation loss.
     */
    public Fit validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validationSplit must be in [0, 1), was " + fraction);
        }
        this.validationSplit = fraction;
        return this;
    }

    /**
     * Keras's {@code class_weight}: each training sample's loss is multiplied by its class's weight
     * (classes not in the map weigh 1), and the batch's loss is still divided by its number of
     * samples. A sample's class is its index (sparse targets), the index of its largest target
     * value (one-hot), or its target rounded (one value). Validation is not weighted.
     */
    public Fit classWeight(Map<Integer, Double> weights) {
        TreeMap<Integer, Double> copy = new TreeMap<>();
        for (Map.Entry<Integer, Double> entry : weights.entrySet()) {
            Integer label = Objects.requireNonNull(entry.getKey(), "class");
            Double weight = Objects.requireNonNull(entry.getValue(), "weight of class " + label);
            if (label < 0) {
                throw new IllegalArgumentException("classWeight: class " + label + " is negative");
            }
            requireWeight("classWeight: class " + label, weight);
            copy.put(label, weight);
        }
        this.classWeight = copy;
        return this;
    }

    /**
     * Keras's {@code sample_weight} for {@code fit(x, y, options)}: one weight per sample of
     * {@code x} (shape (samples) or (samples, 1)), multiplying that sample's loss; the batch's loss
     * is still divided by its number of samples, not by the weights' sum.
     */
    public Fit sampleWeight(Tensor weights) {
        Objects.requireNonNull(weights, "sampleWeight");
        if (weights.rank() > 2 || (weights.rank() == 2 && weights.size(1) != 1)) {
            throw new IllegalArgumentException("sampleWeight takes one weight per sample, but has shape "
                    + Arrays.toString(weights.shape()));
        }
        float[] values = weights.values();
        for (int i = 0; i < values.length; i++) {
            requireWeight("sampleWeight: sample " + i, values[i]);
        }
        this.sampleWeight = weights;
        return this;
    }

    private static void requireWeight(String what, double weight) {
        if (!(weight >= 0 && weight < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(what + " weighs " + weight + "; weights are finite and not negative");
        }
    }

    /** Whether samples are visited in a new random order (from the model's seed) every epoch. */
    public Fit shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /** Where progress is printed. */
    public Fit output(PrintStream output) {
        this.output = Objects.requireNonNull(output, "output");
        return this;
    }

    /** Called as training goes ({@code dev.annonet.runtime.callbacks}), in this order; replaces those given before. */
    public Fit callbacks(Callback... callbacks) {
        Callback[] copy = callbacks.clone();
        for (int i = 0; i < copy.length; i++) {
            Objects.requireNonNull(copy[i], "callback " + i);
        }
        this.callbacks = copy;
        return this;
    }

    /**
     * The epochs already done (Keras's {@code initial_epoch}): training runs epochs
     * {@code initialEpoch + 1} to {@link #epochs}, so {@code epochs} is the last epoch's number,
     * not a count; none run when it is not above {@code initialEpoch}.
     */
    public Fit initialEpoch(int initialEpoch) {
        if (initialEpoch < 0) {
            throw new IllegalArgumentException("initialEpoch must be 0 or more, was " + initialEpoch);
        }
        this.initialEpoch = initialEpoch;
        return this;
    }

    /**
     * Resumes from a checkpoint that {@link Model#saveCheckpoint} (or {@code ModelCheckpoint})
     * wrote: fit first loads it ({@link Model#loadCheckpoint}) and goes on from the epoch after the
     * one it holds, which replaces {@link #initialEpoch}. A file that cannot be read ends fit with an
     * {@link java.io.UncheckedIOException}, one that does not fit the model with an
     * {@link IllegalArgumentException}, both naming the file, before anything changes.
     */
    public Fit resumeFrom(Path checkpoint) {
        this.resumeFrom = Objects.requireNonNull(checkpoint, "checkpoint");
        return this;
    }

    /**
     * Data-parallel training, as Keras's {@code MultiWorkerMirroredStrategy} and PyTorch's
     * {@code DistributedDataParallel}: this process is rank {@code communicator.rank()} of
     * {@code communicator.worldSize()}, each running the same {@code fit} on a model created with
     * the same seed and the same data. {@link #batchSize} is the global batch: each rank trains on
     * its slice of every global batch, the gradients are summed over the ranks before each update,
     * and the result equals one process training at that batch size (see the README's
     * "Data-parallel training"). Every rank starts from rank 0's weights and logs the global
     * batch's loss and metrics. Tensors only ({@code fit(x, y, options)}), on backends that run
     * kernel by kernel (the CPU backend; with dropout, the CPU backend alone).
     */
    public Fit dataParallel(Communicator communicator) {
        this.dataParallel = Objects.requireNonNull(communicator, "communicator");
        return this;
    }

    /** The communicator of a data-parallel fit, or null. */
    Communicator dataParallel() {
        return dataParallel;
    }

    int batchSize() {
        return batchSize;
    }

    int epochs() {
        return epochs;
    }

    int verbose() {
        return verbose;
    }

    boolean hasValidationData() {
        return validationInputs != null;
    }

    Tensor[] validationInputs() {
        return validationInputs.clone();
    }

    Tensor[] validationTargets() {
        return validationTargets.clone();
    }

    double validationSplit() {
        return validationSplit;
    }

    /** The class weights, or null. */
    Map<Integer, Double> classWeight() {
        return classWeight;
    }

    /** The sample weights, or null. */
    Tensor sampleWeight() {
        return sampleWeight;
    }

    boolean shuffle() {
        return shuffle;
    }

    PrintStream output() {
        return output;
    }

    int initialEpoch() {
        return initialEpoch;
    }

    /** The checkpoint to resume from, or null. */
    Path resumeFrom() {
        return resumeFrom;
    }

    Callback[] callbacks() {
        return callbacks.clone();
    }
}
