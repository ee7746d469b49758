package dev.annonet.runtime;

import java.util.Arrays;

/**
 * The checks data pass before a model touches them, so bad input fails with a message naming
 * what was expected and what was given, and never leaves a model half-trained.
 */
final class DataChecks {
    private DataChecks() {
    }

    /** {@code x} holds samples of the input's size. */
    static void requireInputs(String what, Tensor x, NetworkLayout.Port input) {
        if (x.sampleSize() != input.size()) {
            throw new IllegalArgumentException(what + ": input '" + input.name() + "' takes " + input.size()
                    + " values per sample (shape " + Summary.batchShape(input.shape()) + "), but " + what
                    + " has shape " + Arrays.toString(x.shape()) + ", " + x.sampleSize() + " values per sample");
        }
    }

    /** {@code y} holds one target of {@code width} values for each of {@code samples} samples. */
    static void requireTargets(String what, Tensor y, int samples, int width, String meaning) {
        if (y.samples() != samples) {
            throw new IllegalArgumentException(what + " has " + y.samples() + " samples, but its inputs have " + samples);
        }
        if (y.sampleSize() != width) {
            throw new IllegalArgumentException(what + ": expected " + width + " values per sample (" + meaning
                    + "), but " + what + " has shape " + Arrays.toString(y.shape()) + ", " + y.sampleSize() + " values per sample");
        }
    }

    static void requireNotEmpty(String what, Tensor x) {
        if (x.samples() == 0) {
            throw new IllegalArgumentException(what + " holds no samples; at least one is needed");
        }
    }

    /**
     * Every value is a finite number. One NaN would silently poison every weight it reaches in
     * training, and in inference the backends' activations do not all carry it alike (ReLU maps
     * it to 0), so predict rejects it as fit does.
     */
    static void requireFinite(String what, Tensor t) {
        requireFinite(what, t.values(), t.sampleSize());
    }

    /** {@link #requireFinite(String, Tensor)} over samples of {@code width} values. */
    static void requireFinite(String what, float[] values, int width) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new IllegalArgumentException(what + " holds " + values[i] + " at sample " + i / width
                        + ", value " + i % width + "; a network takes only finite numbers");
            }
        }
    }

    /**
     * Every value is a whole number in [0, limit): the input feeds an Embedding, whose kernel would
     * otherwise find a bad index only at its batch, after earlier batches had trained.
     */
    static void requireIndices(String what, Tensor x, NetworkLayout.Port input, int limit) {
        float[] values = x.values();
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!(v >= 0 && v < limit && v == Math.rint(v))) {
                int width = x.sampleSize();
                throw new IllegalArgumentException(what + " holds " + v + " at sample " + i / width + ", value " + i % width
                        + ", but input '" + input.name() + "' feeds an Embedding and takes whole numbers in [0, " + limit + ")");
            }
        }
    }

    /** Every value is a class index in [0, classes), as sparse targets must be. */
    static void requireClassIndices(String what, Tensor y, int classes) {
        float[] values = y.values();
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!(v >= 0 && v < classes && v == Math.rint(v))) {
                throw new IllegalArgumentException(what + " holds " + v + " at index " + i
                        + ", but sparse targets are class indices in [0, " + classes + ")");
            }
        }
    }
}
