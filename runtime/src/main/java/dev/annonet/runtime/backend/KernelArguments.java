package dev.annonet.runtime.backend;

/**
 * The range checks {@link CheckedBackend} makes of every operand, once per kernel call (never per
 * element), and that a kernel makes of the row numbers it reads.
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
}
