package dev.annonet.runtime;

import java.util.Arrays;

/**
 * Samples {@code first .. first + count} of tensors on the host, one per input and one of targets
 * per output: each batch is gathered into the arena's staging buffers (or, in sample order,
 * uploaded straight from the tensors) and uploaded.
 */
final class HostBatches implements BatchSource {
    private final float[][] x;
    private final float[][] y;
    /** Each output's target values per sample, and where they start in the arena's targets, per sample. */
    private final int[] targetWidths;
    private final int[] targetOffsets;
    /** The loss weight of each sample's output rows, or null. */
    private final float[] weights;
    private final int first;
    private final int count;
    private int[] order;

    HostBatches(Tensor[] x, Tensor[] y, int[] targetWidths, int[] targetOffsets, float[] weights, int first, int count) {
        this.x = Arrays.stream(x).map(Tensor::values).toArray(float[][]::new);
        this.y = Arrays.stream(y).map(Tensor::values).toArray(float[][]::new);
        this.targetWidths = targetWidths;
        this.targetOffsets = targetOffsets;
        this.weights = weights;
        this.first = first;
        this.count = count;
    }

    @Override
    public int samples() {
        return count;
    }

    @Override
    public boolean weighted() {
        return weights != null;
    }

    /** Samples are numbered from 0 in the tensors: a pass over a later range needs {@code first = 0}. */
    @Override
    public void startEpoch(int[] order) {
        if (order != null && first != 0) {
            throw new IllegalStateException("a shuffled pass starts at sample 0");
        }
        this.order = order;
    }

    @Override
    public void load(Arena arena, int from, int batch) {
        for (int i = 0; i < x.length; i++) {
            arena.loadInputs(i, x[i], order, first + from, batch);
        }
        for (int o = 0; o < y.length; o++) {
            arena.loadTargets(y[o], targetWidths[o], targetOffsets[o], order, first + from, batch);
        }
        if (weights != null) {
            arena.loadWeights(weights, order, first + from, batch);
        }
    }
}
