package dev.annonet.runtime;

/** Class labels as targets, and back: Keras's {@code to_categorical} and {@code argmax}. */
public final class Labels {
    private Labels() {
    }

    /** One-hot rows: a (labels, classes) tensor with a 1 in each label's column. */
    public static Tensor oneHot(int[] labels, int classes) {
        if (classes <= 0) {
            throw new IllegalArgumentException("classes must be positive, was " + classes);
        }
        float[] values = new float[Math.multiplyExact(labels.length, classes)];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i
                        + " is outside [0, " + classes + ")");
            }
            values[i * classes + labels[i]] = 1;
        }
        return Tensor.of(values, labels.length, classes);
    }

    /** Class indices as a (labels, 1) tensor, the targets of sparse categorical cross-entropy. */
    public static Tensor sparse(int[] labels) {
        float[] values = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i
                        + " is negative; class indices start at 0");
            }
            values[i] = labels[i];
        }
        return Tensor.of(values, labels.length, 1);
    }

    /** The index of each sample's largest value (the first one on ties): predicted classes. */
    public static int[] argmax(Tensor tensor) {
        float[] values = tensor.values();
        int width = tensor.sampleSize();
        int[] classes = new int[tensor.samples()];
        for (int i = 0; i < classes.length; i++) {
            int best = 0;
            for (int j = 1; j < width; j++) {
                if (values[i * width + j] > values[i * width + best]) {
                    best = j;
                }
            }
            classes[i] = best;
        }
        return classes;
    }
}
