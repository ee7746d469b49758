package dev.annonet.runtime.backend;

/**
 * The merge layers' kernels in double precision over {@link Elements}: the reference backend's,
 * and the oracle of {@code merge.cuh}'s one float body, which the CPU backend and the CUDA kernels share.
 */
public final class MergeKernels {

    private MergeKernels() {
    }

    /** As {@link Backend#merge}; {@code activated} null for none. */
    public static void merge(MergeKind kind, int input, float scale, int count, Elements x, int xOffset, Elements y, int yOffset,
                             Elements chosen, int chosenOffset, ActivationFunction f, Elements activated, int activatedOffset) {
        for (int i = 0; i < count; i++) {
            double value = x.get(xOffset + i);
            switch (kind) {
                case SUM -> y.set(yOffset + i, input == 0 ? scale * value : y.get(yOffset + i) + scale * value);
                case PRODUCT -> y.set(yOffset + i, input == 0 ? value : y.get(yOffset + i) * value);
                case MAXIMUM, MINIMUM -> {
                    if (input == 0 || replaces(kind, value, y.get(yOffset + i))) {
                        y.set(yOffset + i, value);
                        chosen.set(chosenOffset + i, input);
                    }
                }
            }
            if (activated != null) {
                activated.set(activatedOffset + i, f.apply(y.get(yOffset + i)));
            }
        }
    }

    /** Only a strictly larger (smaller) value replaces the one so far, so the first of equal inputs keeps it; a NaN does and stays. */
    private static boolean replaces(MergeKind kind, double x, double y) {
        return Double.isNaN(x) || (kind == MergeKind.MAXIMUM ? x > y : x < y);
    }

    /** As {@link Backend#mergeChosenBackward}. */
    public static void chosenBackward(int input, int count, Elements chosen, int chosenOffset, Elements dy, int dyOffset,
                                      Elements dx, int dxOffset) {
        for (int i = 0; i < count; i++) {
            dx.set(dxOffset + i, chosen.get(chosenOffset + i) == input ? dy.get(dyOffset + i) : 0);
        }
    }

    /** As {@link Backend#copyColumns}. */
    public static void copyColumns(int rows, int cols, Elements x, int xOffset, int xWidth, int xColumn,
                                   Elements y, int yOffset, int yWidth, int yColumn) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                y.set(yOffset + r * yWidth + yColumn + c, x.get(xOffset + r * xWidth + xColumn + c));
            }
        }
    }
}
