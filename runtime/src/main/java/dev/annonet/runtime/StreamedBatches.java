package dev.annonet.runtime;

import dev.annonet.runtime.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.Semaphore;

/**
 * Samples {@code first .. first + count} of a {@link Dataset}, read a batch ahead on a thread of
 * their own: while a step runs, the reader fills the next of a ring of {@link #SLOTS} batch
 * buffers (inputs, targets as the loss takes them, weights), so the step waits only when the
 * reader is slower than it. The buffers are allocated once; the training thread allocates nothing
 * unless it has to wait for the reader. A reader's failure is thrown by the {@link #load} that
 * would have taken its batch, naming the file; {@link #close} stops the thread and waits for it.
 */
final class StreamedBatches implements BatchSource {
    /** Batches in flight: one being uploaded, one ready, one being read. */
    static final int SLOTS = 3;

    /**
     * What the model takes: inputs of {@code inputWidth} values (whole numbers below
     * {@code inputIndexLimit} when it is positive: the input feeds an Embedding), and targets as
     * the loss takes them: {@code width} values a sample, class indices below {@code classes}
     * when {@code sparse}, one-hot rows of {@code classes} values otherwise.
     */
    record Format(int inputWidth, int inputIndexLimit, int width, boolean sparse, int classes) {
    }

    private static final class Slot {
        final long[] samples;
        final float[] inputs;
        /** The targets as the dataset stores them. */
        final float[] stored;
        /** The targets as the loss takes them: {@code stored} itself when they need no conversion. */
        final float[] targets;
        final float[] weights;

        Slot(int batchSize, Dataset data, Format format, boolean converts, boolean weighted) {
            samples = new long[batchSize];
            inputs = new float[batchSize * data.inputWidth()];
            stored = new float[batchSize * data.targetWidth()];
            targets = converts ? new float[batchSize * format.width()] : stored;
            weights = weighted ? new float[batchSize] : null;
        }
    }

    private final Dataset data;
    private final long first;
    private final int count;
    private final int batchSize;
    private final Format format;
    /** The loss weight of each class, or null for none. */
    private final double[] classWeights;
    /** Whether class-index targets become one-hot rows. */
    private final boolean oneHot;
    private final Slot[] slots = new Slot[SLOTS];
    private final Semaphore free = new Semaphore(SLOTS);
    private final Semaphore filled = new Semaphore(0);
    private final Semaphore epochs = new Semaphore(0);
    private final Thread reader;
    /** Set by {@link #startEpoch} before it releases {@code epochs}, which publishes it to the reader. */
    private int[] order;
    private volatile boolean closing;
    private volatile Throwable failure;
    /** The number (counted over all passes, like {@code consumed}) of the batch whose read failed. */
    private long failedBatch;
    private long consumed;

    /**
     * Checks that {@code data} fits the model ({@code format}) and starts the reader, which waits
     * for the first pass.
     */
    StreamedBatches(Dataset data, long first, int count, int batchSize, Format format, double[] classWeights) {
        this.data = data;
        this.first = first;
        this.count = count;
        this.batchSize = Math.min(batchSize, count);
        this.format = format;
        this.classWeights = classWeights;
        if (data.inputWidth() != format.inputWidth()) {
            throw new IllegalArgumentException(data.source() + ": the model's input takes " + format.inputWidth()
                    + " values per sample, but the dataset's samples hold " + data.inputWidth());
        }
        int classes = data.classes();
        this.oneHot = classes > 0 && !format.sparse();
        if (classes > 0 && (data.targetWidth() != 1 || (format.sparse() ? format.width() != 1 : format.width() != classes))) {
            throw new IllegalArgumentException(data.source() + ": its targets are indices of " + classes
                    + " classes, but the loss takes " + format.width() + " values per sample"
                    + (format.sparse() ? " (class indices, one per output row)" : " (one-hot rows of the output's size)"));
        }
        if (classes == 0 && data.targetWidth() != format.width()) {
            throw new IllegalArgumentException(data.source() + ": the loss takes " + format.width()
                    + " target values per sample, but the dataset's targets hold " + data.targetWidth());
        }
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot(this.batchSize, data, format, oneHot, classWeights != null);
        }
        reader = new Thread(this::readEpochs, "annonet-reader " + data.source());
        reader.setDaemon(true);
        reader.start();
    }

    @Override
    public int samples() {
        return count;
    }

    @Override
    public boolean weighted() {
        return classWeights != null;
    }

    @Override
    public void startEpoch(int[] order) {
        this.order = order;
        epochs.release();
    }

    @Override
    public void load(Arena arena, int from, int batch) {
        filled.acquireUninterruptibly();
        Throwable failed = failure;
        if (failed != null && consumed == failedBatch) { // the batches read before it are taken first
            filled.release(); // a later load fails alike
            throw failed instanceof IOException io ? new UncheckedIOException(io.getMessage(), io)
                    : new IllegalStateException("reading " + data.source() + " failed: " + failed, failed);
        }
        Slot slot = slots[(int) (consumed++ % SLOTS)];
        arena.loadStreamed(slot.inputs, slot.targets, format.width(), slot.weights, batch);
        free.release();
    }

    /** Stops the reader (it finishes the batch it is reading) and waits for it to end. */
    @Override
    public void close() {
        closing = true;
        epochs.release();
        free.release(SLOTS);
        boolean interrupted = false;
        while (reader.isAlive()) {
            try {
                reader.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The reader: each pass's batches in order, into the free slots, until closed or a read fails. */
    private void readEpochs() {
        long produced = 0;
        try {
            while (true) {
                epochs.acquireUninterruptibly();
                if (closing) {
                    return;
                }
                int[] passOrder = order;
                for (int from = 0; from < count; from += batchSize) {
                    free.acquireUninterruptibly();
                    if (closing) {
                        return;
                    }
                    read(slots[(int) (produced++ % SLOTS)], passOrder, from, Math.min(batchSize, count - from));
                    filled.release();
                }
            }
        } catch (Throwable t) {
            failedBatch = produced - 1;
            failure = t; // after failedBatch: this volatile write publishes it
            filled.release();
        }
    }

    private void read(Slot slot, int[] passOrder, int from, int batch) throws IOException {
        for (int i = 0; i < batch; i++) {
            slot.samples[i] = first + (passOrder == null ? from + i : passOrder[from + i]);
        }
        synchronized (data) { // a validation split's reader reads the same dataset
            data.read(slot.samples, batch, slot.inputs, slot.stored);
        }
        checkInputs(data, slot.samples, slot.inputs, batch, format.inputWidth(), format.inputIndexLimit());
        convertTargets(slot, batch);
    }

    /**
     * The checks fit makes of tensors before training, made of each batch of a dataset as it is
     * read: {@code batch} samples' inputs of {@code width} values, whole numbers below
     * {@code indexLimit} when it is positive.
     */
    static void checkInputs(Dataset data, long[] samples, float[] inputs, int batch, int width, int indexLimit)
            throws IOException {
        for (int i = 0; i < batch * width; i++) {
            float v = inputs[i];
            if (!Float.isFinite(v)) {
                throw new IOException(data.source() + ": sample " + samples[i / width] + " holds " + v + " at value "
                        + i % width + "; a network takes only finite numbers");
            }
            if (indexLimit > 0 && !(v >= 0 && v < indexLimit && v == Math.rint(v))) {
                throw new IOException(data.source() + ": sample " + samples[i / width] + " holds " + v + " at value "
                        + i % width + ", but the input feeds an Embedding and takes whole numbers in [0, " + indexLimit + ")");
            }
        }
    }

    /**
     * Checks the class indices among the stored targets, writes them as one-hot rows where the
     * loss takes those, and looks up each sample's class weight.
     */
    private void convertTargets(Slot slot, int batch) throws IOException {
        int width = format.width();
        if (oneHot) {
            Arrays.fill(slot.targets, 0, batch * width, 0f);
        }
        for (int i = 0; i < batch; i++) {
            int label = -1;
            if (data.classes() > 0) {
                label = classIndex(slot, i, slot.stored[i], data.classes());
                if (oneHot) {
                    slot.targets[i * width + label] = 1f;
                }
            } else if (format.sparse()) {
                for (int j = 0; j < width; j++) {
                    classIndex(slot, i, slot.stored[i * width + j], format.classes());
                }
                label = (int) slot.stored[i * width];
            }
            if (slot.weights != null) {
                int weightClass = label >= 0 ? label : storedClass(slot, i);
                slot.weights[i] = weightClass >= 0 && weightClass < classWeights.length ? (float) classWeights[weightClass] : 1f;
            }
        }
    }

    private int classIndex(Slot slot, int i, float value, int classes) throws IOException {
        if (!(value >= 0 && value < classes && value == Math.rint(value))) {
            throw new IOException(data.source() + ": sample " + slot.samples[i] + "'s target " + value
                    + " is not a class index in [0, " + classes + ")");
        }
        return (int) value;
    }

    /** The class of a sample's dense target, as Keras finds it for class weights: the largest value's index, or the value rounded. */
    private int storedClass(Slot slot, int i) {
        int width = data.targetWidth();
        if (width == 1) {
            return Math.round(slot.stored[i]);
        }
        int best = 0;
        for (int c = 1; c < width; c++) {
            if (slot.stored[i * width + c] > slot.stored[i * width + best]) {
                best = c;
            }
        }
        return best;
    }
}
