package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;

/**
 * A training set kept in a backend's memory for one fit (a GPU's: {@link Backend#keepsTrainingDataResident}):
 * copied in once, then each epoch's order is copied in and every batch is gathered in place, so a
 * step copies nothing from the host. Released when the fit ends.
 */
final class ResidentData implements BatchSource {
    /** Values (inputs and targets together) above which the data stays on the host: 1 GiB of floats. */
    static final long LIMIT = 1L << 28;

    private final Backend backend;
    private final Memory x;
    private final Memory y;
    /** The loss weight of each sample's output rows, or null. */
    private final Memory weights;
    private final Memory order;
    private final int[] orderIndices;
    private final int targetWidth;

    private ResidentData(Backend backend, Tensor x, Tensor y, int targetWidth, float[] weights, int samples) {
        this.backend = backend;
        this.targetWidth = targetWidth;
        this.x = backend.allocate(x.values().length);
        this.y = backend.allocate(y.values().length);
        this.weights = weights == null ? null : backend.allocate(weights.length);
        this.order = backend.allocate(samples);
        this.orderIndices = new int[samples];
        backend.upload(x.values(), 0, this.x, 0, x.values().length);
        backend.upload(y.values(), 0, this.y, 0, y.values().length);
        if (weights != null) {
            backend.upload(weights, 0, this.weights, 0, weights.length);
        }
    }

    /**
     * The first {@code samples} samples of a training set (with their output rows' loss weights,
     * unless null) in {@code backend}'s memory, or null when the backend gathers nothing or the
     * set is too big.
     */
    static ResidentData of(Backend backend, Tensor x, Tensor y, int targetWidth, float[] weights, int samples) {
        long values = (long) x.values().length + y.values().length + (weights == null ? 0 : weights.length);
        return backend.keepsTrainingDataResident() && values <= LIMIT
                ? new ResidentData(backend, x, y, targetWidth, weights, samples) : null;
    }

    @Override
    public int samples() {
        return orderIndices.length;
    }

    @Override
    public boolean weighted() {
        return weights != null;
    }

    /** The epoch's order of samples (in sequence when null), as 32-bit row numbers. */
    @Override
    public void startEpoch(int[] samples) {
        for (int i = 0; i < orderIndices.length; i++) {
            orderIndices[i] = samples == null ? i : samples[i];
        }
        backend.uploadIndices(orderIndices, 0, order, 0, orderIndices.length);
    }

    /** Gathers samples {@code order[from .. from + batch)} where the schedule reads its input and targets. */
    @Override
    public void load(Arena arena, int from, int batch) {
        arena.gather(x, y, targetWidth, weights, order, from, batch);
    }

    @Override
    public void close() {
        backend.release(x);
        backend.release(y);
        if (weights != null) {
            backend.release(weights);
        }
        backend.release(order);
    }
}
