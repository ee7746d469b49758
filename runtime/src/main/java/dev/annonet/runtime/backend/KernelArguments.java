package dev.annonet.runtime.backend;

/**
 * The argument checks every backend makes once per kernel call (never per element), so that a
 * wrong offset or size fails with a message naming the operand and the sizes instead of reading
 * another tensor's values or, off-heap, crashing the JVM.
 */
public final class KernelArguments {
    private KernelArguments() {
    }

    /**
     * Checks that {@code [offset, offset + count)} lies inside {@code memory}. {@code kernel} (a
     * string or an enum constant) and {@code operand} name it in the message, which is only built
     * on failure: a kernel call allocates nothing.
     */
    public static void check(Object kernel, String operand, Memory memory, int offset, long count) {
        if (memory == null) {
            throw new NullPointerException(kernel + " " + operand + " is null");
        }
        if (offset < 0 || count < 0 || offset + count > memory.size()) {
            throw new IndexOutOfBoundsException(kernel + " " + operand + ": offset " + offset + " + count "
                    + count + " is outside its memory of size " + memory.size());
        }
    }

    /** {@code row}, when it is the index of a row of {@code width} values inside {@code source}, or an exception naming it. */
    public static int rowIndex(Object kernel, int row, Memory source, int width) {
        if (row < 0 || (long) (row + 1) * width > source.size()) {
            throw new IndexOutOfBoundsException(kernel + ": row index " + row + " is not a row of a source of "
                    + source.size() / Math.max(width, 1) + " rows");
        }
        return row;
    }

    /** Checks a {@code rows × cols} block at {@code offset}. */
    public static void check(Object kernel, String operand, Memory memory, int offset, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(kernel + " " + operand + ": negative shape " + rows + "×" + cols);
        }
        check(kernel, operand, memory, offset, (long) rows * cols);
    }

    /** {@code C (m×n) = op(A) (m×k) · op(B) (k×n)}. */
    public static void checkMatmul(int m, int n, int k, Memory a, int aOffset, Memory b, int bOffset,
                                   Memory c, int cOffset) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("matmul: negative shape m=" + m + " n=" + n + " k=" + k);
        }
        check("matmul", "a", a, aOffset, m, k);
        check("matmul", "b", b, bOffset, k, n);
        check("matmul", "c", c, cOffset, m, n);
    }

    public static void checkBiasActivation(ActivationFunction f, int rows, int cols, Memory z, int zOffset,
                                           Memory bias, int biasOffset, Memory y, int yOffset) {
        check(f.kind(), "z", z, zOffset, rows, cols);
        if (bias != null) {
            check(f.kind(), "bias", bias, biasOffset, cols);
        }
        check(f.kind(), "y", y, yOffset, rows, cols);
    }

    public static void checkActivationBackward(ActivationFunction f, int rows, int cols, Memory z, int zOffset,
                                               Memory y, int yOffset, Memory dy, int dyOffset,
                                               Memory dz, int dzOffset) {
        check(f.kind(), "backward z", z, zOffset, rows, cols);
        check(f.kind(), "backward y", y, yOffset, rows, cols);
        check(f.kind(), "backward dy", dy, dyOffset, rows, cols);
        check(f.kind(), "backward dz", dz, dzOffset, rows, cols);
    }

    /** Keras accepts dropout rates in [0, 1). */
    public static void checkDropout(double rate, int count, Memory input, int inputOffset,
                                    Memory output, int outputOffset) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate " + rate + " is outside [0, 1)");
        }
        check("dropout", "input", input, inputOffset, count);
        check("dropout", "output", output, outputOffset, count);
    }

    /** Only the operands the loss reads are checked: z when fused, y otherwise; the gradient when given. */
    public static void checkLoss(LossKind kind, boolean fused, int rows, int cols, Memory y, int yOffset,
                                 Memory z, int zOffset, Memory targets, int targetsOffset,
                                 Memory weights, int weightsOffset, Memory gradient, int gradientOffset) {
        if (fused && kind == LossKind.MEAN_SQUARED_ERROR) {
            throw new IllegalArgumentException("mean squared error has no activation to fuse with");
        }
        if (fused) {
            check(kind, "z", z, zOffset, rows, cols);
        } else {
            check(kind, "y", y, yOffset, rows, cols);
        }
        int targetsPerRow = kind == LossKind.SPARSE_CATEGORICAL_CROSSENTROPY ? 1 : cols;
        check(kind, "targets", targets, targetsOffset, rows, targetsPerRow);
        if (weights != null) {
            check(kind, "weights", weights, weightsOffset, rows, 1);
        }
        if (gradient != null) {
            check(kind, "gradient", gradient, gradientOffset, rows, cols);
        }
    }

    public static void checkCountCorrect(AccuracyKind kind, int rows, int cols, Memory y, int yOffset,
                                         Memory targets, int targetsOffset) {
        check(kind, "accuracy y", y, yOffset, rows, cols);
        int targetsPerRow = kind == AccuracyKind.SPARSE_CATEGORICAL ? 1 : cols;
        check(kind, "accuracy targets", targets, targetsOffset, rows, targetsPerRow);
    }

    /** Also that a confusion count's class is a column and that {@code counts} has room. */
    public static void checkCountMetric(MetricCounter counter, int rows, int cols, Memory y, int yOffset,
                                        Memory targets, int targetsOffset, long[] counts, int countsOffset) {
        check(counter.kind(), "metric y", y, yOffset, rows, cols);
        check(counter.kind(), "metric targets", targets, targetsOffset, rows, counter.targetWidth(cols));
        if (counter.classId() >= cols) {
            throw new IllegalArgumentException(counter.kind() + ": class " + counter.classId() + " is not a column of "
                    + cols);
        }
        if (counts == null) {
            throw new NullPointerException(counter.kind() + " counts are null");
        }
        if (countsOffset < 0 || countsOffset + counter.counters() > counts.length) {
            throw new IndexOutOfBoundsException(counter.kind() + ": " + counter.counters() + " counts at " + countsOffset
                    + " do not fit in " + counts.length);
        }
    }

    /** The optimizers' state buffers, where used (null otherwise), each hold {@code count} values. */
    public static void checkOptimizer(String optimizer, int count, Memory weights, Memory gradients,
                                      Memory firstState, Memory secondState) {
        check(optimizer, "weights", weights, 0, count);
        check(optimizer, "gradients", gradients, 0, count);
        if (firstState != null) {
            check(optimizer, "state", firstState, 0, count);
        }
        if (secondState != null) {
            check(optimizer, "second state", secondState, 0, count);
        }
    }
}
