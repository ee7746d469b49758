package dev.annonet.runtime.data;

import java.io.IOException;

/**
 * Samples that a model trains on, read a batch at a time, so a training set may be larger than
 * memory: {@code model.fit(dataset, options)}. Each sample has {@link #inputWidth()} input values
 * and a target: {@link #targetWidth()} values, or, when {@link #classes()} is positive, one class
 * index, which fit turns into the one-hot row or the sparse index its loss takes.
 *
 * <p>Reads are random access: fit visits the samples in a new order every epoch (a permutation
 * drawn from the model's seed) and reads each batch on a background thread while the previous
 * step runs. A dataset is read by one thread at a time.
 */
public interface Dataset extends AutoCloseable {
    /** The number of samples. */
    long size();

    /** Input values per sample (the flattened input shape). */
    int inputWidth();

    /** Target values per sample: 1 when the targets are class indices. */
    int targetWidth();

    /** The number of classes when each target is a class index in [0, classes), else 0. */
    int classes();

    /**
     * Reads samples {@code samples[0 .. count)} into {@code inputs} ({@link #inputWidth()} values
     * each, in that order) and their targets into {@code targets} ({@link #targetWidth()} each).
     * A malformed sample is an {@link IOException} naming the file and where in it.
     */
    void read(long[] samples, int count, float[] inputs, float[] targets) throws IOException;

    /** What the dataset reads, for messages: a file or folder name. */
    String source();

    @Override
    default void close() throws IOException {
    }
}
