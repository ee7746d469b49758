package dev.annonet.runtime;

import dev.annonet.runtime.callbacks.Callback;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The options of {@link Model#fit}, Keras's keyword arguments: {@code Fit.options().batchSize(128).epochs(20)}.
 * Each setter checks its value at once and changes this object in place.
 */
public final class Fit {
    static final int DEFAULT_BATCH_SIZE = 32;

    private int batchSize = DEFAULT_BATCH_SIZE;
    private int epochs = 1;
    private int verbose = 1;
    private Tensor validationX;
    private Tensor validationY;
    private boolean shuffle = true;
    private PrintStream output = System.out;
    private Callback[] callbacks = new Callback[0];
    private int initialEpoch;
    private Path resumeFrom;

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
        this.validationX = Objects.requireNonNull(x, "validation x");
        this.validationY = Objects.requireNonNull(y, "validation y");
        return this;
    }

    public Fit validationData(float[][] x, float[][] y) {
        return validationData(Tensor.of(x), Tensor.of(y));
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
        return validationX != null;
    }

    Tensor validationX() {
        return validationX;
    }

    Tensor validationY() {
        return validationY;
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
