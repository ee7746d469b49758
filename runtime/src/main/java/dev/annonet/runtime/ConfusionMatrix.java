package dev.annonet.runtime;

import dev.annonet.runtime.backend.AccuracyKind;

/**
 * How often each true class was predicted as each class (rows: true class, columns: predicted),
 * counted as {@code accuracy} counts for the model's loss: the largest output (first of equals)
 * against the one-hot target's largest value or the class index, or, for binary outputs, each
 * value above 0.5 against its target above 0.5 (classes 0 and 1). So the diagonal's sum over
 * {@link #total()} is the accuracy. From {@link Evaluation#confusionMatrix()}.
 */
public final class ConfusionMatrix {
    /** The most classes evaluate counts a matrix for: 1,024² counts take 8 MB. */
    static final int MAX_CLASSES = 1024;

    private final int classes;
    private final long[] counts;

    ConfusionMatrix(int classes) {
        this.classes = classes;
        this.counts = new long[Math.multiplyExact(classes, classes)];
    }

    /** The classes of a model's output for confusion counts: the last axis, or 2 for binary outputs. */
    static int classesOf(AccuracyKind kind, int columns) {
        return kind == AccuracyKind.BINARY ? 2 : columns;
    }

    /**
     * Counts {@code rows} output rows of {@code columns} values from {@code outputs[0 ..]} against
     * their targets at {@code targets[targetsOffset ..]} (a class index a row for sparse targets).
     */
    void add(AccuracyKind kind, int rows, int columns, float[] outputs, float[] targets, int targetsOffset) {
        for (int r = 0; r < rows; r++) {
            int row = r * columns;
            switch (kind) {
                case CATEGORICAL -> increment(firstMaximum(targets, targetsOffset + row, columns),
                        firstMaximum(outputs, row, columns));
                case SPARSE_CATEGORICAL -> increment((int) targets[targetsOffset + r], firstMaximum(outputs, row, columns));
                case BINARY -> {
                    for (int c = 0; c < columns; c++) {
                        increment(targets[targetsOffset + row + c] > 0.5f ? 1 : 0, outputs[row + c] > 0.5f ? 1 : 0);
                    }
                }
            }
        }
    }

    private void increment(int trueClass, int predictedClass) {
        counts[trueClass * classes + predictedClass]++;
    }

    private static int firstMaximum(float[] values, int offset, int count) {
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    /** The number of classes: the rows and the columns. */
    public int classes() {
        return classes;
    }

    /** How many of class {@code trueClass} were predicted as {@code predictedClass}. */
    public long count(int trueClass, int predictedClass) {
        if (trueClass < 0 || trueClass >= classes || predictedClass < 0 || predictedClass >= classes) {
            throw new IndexOutOfBoundsException("classes are 0 to " + (classes - 1) + ", not (" + trueClass + ", "
                    + predictedClass + ")");
        }
        return counts[trueClass * classes + predictedClass];
    }

    /** Everything counted: rows, or values for binary outputs. */
    public long total() {
        long total = 0;
        for (long count : counts) {
            total += count;
        }
        return total;
    }

    /** A copy, {@code [true class][predicted class]}. */
    public long[][] toArray() {
        long[][] matrix = new long[classes][classes];
        for (int t = 0; t < classes; t++) {
            System.arraycopy(counts, t * classes, matrix[t], 0, classes);
        }
        return matrix;
    }

    /**
     * A table with a row per true class and a column per predicted class, right-aligned:
     * <pre>
     * true \ predicted     0     1
     *                0    48     2
     *                1     5    45
     * </pre>
     */
    @Override
    public String toString() {
        String corner = "true \\ predicted";
        int width = Long.toString(classes - 1).length();
        for (long count : counts) {
            width = Math.max(width, Long.toString(count).length());
        }
        StringBuilder text = new StringBuilder(corner);
        for (int p = 0; p < classes; p++) {
            pad(text, Integer.toString(p), width + 2);
        }
        for (int t = 0; t < classes; t++) {
            text.append('\n');
            pad(text, Integer.toString(t), corner.length());
            for (int p = 0; p < classes; p++) {
                pad(text, Long.toString(counts[t * classes + p]), width + 2);
            }
        }
        return text.toString();
    }

    private static void pad(StringBuilder text, String value, int width) {
        text.append(" ".repeat(Math.max(0, width - value.length()))).append(value);
    }
}
