package dev.annonet.runtime;

import java.util.Arrays;

/**
 * A float32 tensor: a shape and its values, row-major. The first axis counts samples for the
 * data a model is fit on or predicts.
 *
 * <p>Immutable by convention: {@link #of(float[], int...)} takes the array without copying it
 * (data sets are large), so the caller must not change it afterwards; every accessor that hands
 * values out returns a copy.
 */
public final class Tensor {
    private final float[] values;
    private final int[] shape;

    private Tensor(float[] values, int[] shape) {
        this.values = values;
        this.shape = shape;
    }

    /** A tensor of the given shape over {@code values} (not copied); no shape means a vector. */
    public static Tensor of(float[] values, int... shape) {
        int[] dims = shape.length == 0 ? new int[] {values.length} : shape.clone();
        long size = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has a negative dimension");
            }
            size *= d;
        }
        if (size != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " holds " + size
                    + " values, but " + values.length + " were given");
        }
        return new Tensor(values, dims);
    }

    /** A (rows, columns) tensor holding a copy of {@code rows}, which must all have the same length. */
    public static Tensor of(float[][] rows) {
        int columns = rows.length == 0 ? 0 : rows[0].length;
        float[] values = new float[Math.multiplyExact(rows.length, columns)];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != columns) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length
                        + " values, but row 0 has " + columns);
            }
            System.arraycopy(rows[i], 0, values, i * columns, columns);
        }
        return new Tensor(values, new int[] {rows.length, columns});
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int size(int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new IndexOutOfBoundsException("axis " + axis + " of a rank-" + shape.length + " tensor");
        }
        return shape[axis];
    }

    /** The number of samples: the size of the first axis. */
    public int samples() {
        return size(0);
    }

    /** The value at {@code index}, one coordinate per axis. */
    public float get(int... index) {
        return values[flatIndex(index, shape)];
    }

    /** A copy of sample {@code i}'s values, flattened. */
    public float[] row(int i) {
        int n = samples();
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("sample " + i + " of " + n);
        }
        int width = sampleSize();
        return Arrays.copyOfRange(values, i * width, (i + 1) * width);
    }

    /** A copy of all values, row-major. */
    public float[] toArray() {
        return values.clone();
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }

    /** The values themselves, not a copy: for the runtime's own reads only. */
    float[] values() {
        return values;
    }

    /** Values per sample: the product of all axes but the first. */
    int sampleSize() {
        int n = samples();
        return n == 0 ? NetworkLayout.size(Arrays.copyOfRange(shape, 1, shape.length)) : values.length / n;
    }

    /** The row-major position of {@code index} in a tensor of {@code shape}, bounds-checked. */
    static int flatIndex(int[] index, int[] shape) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(index.length + " indices for shape " + Arrays.toString(shape));
        }
        int flat = 0;
        for (int axis = 0; axis < shape.length; axis++) {
            if (index[axis] < 0 || index[axis] >= shape[axis]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index)
                        + " is outside shape " + Arrays.toString(shape));
            }
            flat = flat * shape[axis] + index[axis];
        }
        return flat;
    }
}
