package dev.annonet.runtime.callbacks;

import dev.annonet.runtime.Weights;
import dev.annonet.runtime.tensorboard.EventFileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Keras's {@code TensorBoard} callback: writes event files that TensorBoard shows
 * ({@code tensorboard --logdir LOG_DIR}), one run for training ({@code LOG_DIR/train}) and one for
 * validation ({@code LOG_DIR/validation}, when fit has validation data), as Keras lays them out.
 *
 * <ul>
 * <li>After each epoch: {@code epoch_loss} and {@code epoch_<metric>} in both runs, and
 *     {@code epoch_learning_rate} in the training run, at step = the epoch counted from 0.
 * <li>Every {@link #histogramFreq} epochs (default 1; Keras's default is 0): the histogram of each
 *     weight ({@code hidden/kernel}, ...), 30 equal-width buckets between its minimum and maximum.
 * <li>Every {@link #updateFreq} batches, if set: {@code batch_loss} and {@code batch_<metric>}
 *     (the epoch's running means) at step = the batch counted from 1 across epochs.
 * </ul>
 *
 * Events reach the files after each epoch (and each batch write), so TensorBoard follows training
 * as it goes; what a fit that throws has written stays readable. Steps go on across the fits that
 * share one instance. A file that cannot be written ends fit with an {@link UncheckedIOException}
 * naming it.
 */
public final class TensorBoard implements Callback {
    private static final String VALIDATION_PREFIX = "val_";

    private final Path logDir;
    private int histogramFreq = 1;
    private int updateFreq;
    private EventFileWriter train;
    private EventFileWriter validation;
    private long epochsDone;
    private long batchesDone;

    /** Writes under {@code logDir}: its {@code train} and {@code validation} runs. */
    public TensorBoard(Path logDir) {
        this.logDir = Objects.requireNonNull(logDir, "logDir");
    }

    /** Weight histograms every {@code epochs} epochs (the first included); 0: none. */
    public TensorBoard histogramFreq(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("histogramFreq must be 0 (no histograms) or a number of epochs, not " + epochs);
        }
        this.histogramFreq = epochs;
        return this;
    }

    /** Batch scalars every {@code batches} batches; 0 (the default, Keras's {@code 'epoch'}): per epoch only. */
    public TensorBoard updateFreq(int batches) {
        if (batches < 0) {
            throw new IllegalArgumentException("updateFreq must be 0 (per epoch) or a number of batches, not " + batches);
        }
        this.updateFreq = batches;
        return this;
    }

    /** The directory given, which holds the runs. */
    public Path logDir() {
        return logDir;
    }

    @Override
    public void onTrainBegin(Training training) {
        if (train == null) {
            train = open("train");
        }
    }

    @Override
    public void onBatchEnd(Training training, int epoch, int batch, Logs logs) {
        batchesDone++;
        if (updateFreq > 0 && batchesDone % updateFreq == 0) {
            for (String name : logs.names()) {
                train.scalar("batch_" + name, batchesDone, logs.get(name));
            }
            flush(train);
        }
    }

    @Override
    public void onEpochEnd(Training training, int epoch, Logs logs) {
        long step = epochsDone++;
        for (String name : logs.names()) {
            if (name.startsWith(VALIDATION_PREFIX)) {
                if (validation == null) {
                    validation = open("validation");
                }
                validation.scalar("epoch_" + name.substring(VALIDATION_PREFIX.length()), step, logs.get(name));
            } else {
                train.scalar("epoch_" + name, step, logs.get(name));
            }
        }
        train.scalar("epoch_learning_rate", step, training.learningRate());
        if (histogramFreq > 0 && step % histogramFreq == 0) {
            for (Weights weights : training.model().weights()) {
                train.histogram(weights.name().replace('.', '/'), step, weights.toArray());
            }
        }
        flush(train);
        if (validation != null) {
            flush(validation);
        }
    }

    private EventFileWriter open(String run) {
        try {
            return EventFileWriter.open(logDir.resolve(run));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the TensorBoard run " + logDir.resolve(run) + ": " + e.getMessage(), e);
        }
    }

    private static void flush(EventFileWriter writer) {
        try {
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
