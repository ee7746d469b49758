package dev.annonet.runtime;

/**
 * Samples {@code first .. first + count} of tensors on the host: each batch is gathered into the
 * arena's staging buffers (or, in sample order, uploaded straight from the tensors) and uploaded.
 */
final class HostBatches implements BatchSource {
    private final float[] x;
    private final float[] y;
    private final int targetWidth;
    /** The loss weight of each sample's output rows, or null. */
    private final float[] weights;
    private final int first;
    private final int count;
    private int[] order;

    HostBatches(Tensor x, Tensor y, int targetWidth, float[] weights, int first, int count) {
        this.x = x.values();
        this.y = y.values();
        this.targetWidth = targetWidth;
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
        arena.loadInputs(x, order, first + from, batch);
        arena.loadTargets(y, targetWidth, order, first + from, batch);
        if (weights != null) {
            arena.loadWeights(weights, order, first + from, batch);
        }
    }
}
