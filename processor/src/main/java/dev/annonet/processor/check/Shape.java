package dev.annonet.processor.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** The shape of one sample (the batch dimension is left out): every size positive, the product an int. */
public record Shape(List<Integer> dims) {

    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(int... dims) {
        return new Shape(Arrays.stream(dims).boxed().toList());
    }

    /** The product of {@code dims}, in long so that overflow can be reported rather than suffered. */
    public static long count(List<Integer> dims) {
        long count = 1;
        for (int dim : dims) {
            count *= dim;
            if (count > Integer.MAX_VALUE) {
                return Long.MAX_VALUE;
            }
        }
        return count;
    }

    /** What is wrong with {@code count} values in one Java array, if anything. */
    public static Optional<String> tooLarge(long count) {
        return count > Integer.MAX_VALUE
                ? Optional.of("holds more values than a Java array can (" + Integer.MAX_VALUE + ")")
                : Optional.empty();
    }

    /** Values per sample. */
    public int size() {
        return (int) count(dims);
    }

    public int rank() {
        return dims.size();
    }

    /** The last axis, the one Dense and softmax act on. */
    public int last() {
        return dims.get(dims.size() - 1);
    }

    /** Rows per sample when the last axis is the row: the product of all other sizes. */
    public int rowsPerSample() {
        return size() / last();
    }

    public Shape withLast(int size) {
        List<Integer> changed = new ArrayList<>(dims);
        changed.set(changed.size() - 1, size);
        return new Shape(changed);
    }

    public int[] toArray() {
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code (28, 28)}, as Keras prints shapes without the batch. */
    @Override
    public String toString() {
        return dims.stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
    }
}
