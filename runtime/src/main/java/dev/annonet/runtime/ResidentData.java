package dev.annonet.runtime;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;

/**
 * A training set kept in a backend's memory for one fit (a GPU's: {@link Backend#keepsTrainingDataResident}):
 * copied in once, then each epoch's order is copied in and every batch is gathered in place, so a
 * step copies nothing from the host. Released when the fit ends.
 */
final class ResidentData implements AutoCloseable {
    /** Values (inputs and targets together) above which the data stays on the host: 1 GiB of floats. */
    static final long LIMIT = 1L << 28;

    private final Backend backend;
    private final Memory x;
    private final Memory y;
    private final Memory order;
    private final int[] orderIndices;
    private final int targetWidth;

    private ResidentData(Backend backend, Tensor x, Tensor y, int targetWidth) {
        this.backend = backend;
        this.targetWidth = targetWidth;
        int samples = x.samples();
        this.x = backend.allocate(x.values().length);
        this.y = backend.allocate(y.values().length);
        this.order = backend.allocate(samples);
        this.orderIndices = new int[samples];
        backend.upload(x.values(), 0, this.x, 0, x.values().length);
        backend.upload(y.values(), 0, this.y, 0, y.values().length);
    }

    /** The training set in {@code backend}'s memory, or null when the backend gathers nothing or it is too big. */
    static ResidentData of(Backend backend, Tensor x, Tensor y, int targetWidth) {
        boolean fits = (long) x.values().length + y.values().length <= LIMIT;
        return backend.keepsTrainingDataResident() && fits ? new ResidentData(backend, x, y, targetWidth) : null;
    }

    /** The epoch's order of samples (in sequence when null), as 32-bit row numbers. */
    void order(int[] samples) {
        for (int i = 0; i < orderIndices.length; i++) {
            orderIndices[i] = samples == null ? i : samples[i];
        }
        backend.uploadIndices(orderIndices, 0, order, 0, orderIndices.length);
    }

    /** Gathers samples {@code order[from .. from + batch)} where the schedule reads its input and targets. */
    void load(Arena arena, int from, int batch) {
        arena.gather(x, y, targetWidth, order, from, batch);
    }

    @Override
    public void close() {
        backend.release(x);
        backend.release(y);
        backend.release(order);
    }
}
