package dev.annonet.runtime.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Four heap arrays, reused by every kernel call, that streaming kernels (optimizer updates, bias
 * and ReLU, dropout) copy a tile of their operands into. The JIT vectorizes loops over float
 * arrays but not over direct buffers (about three times slower on these machines); the bulk
 * copies in and out cost little.
 */
final class HeapTiles {
    /** Values per tile; a multiple of DropoutMask.GROUP, so dropout tiles start on a group. */
    static final int LENGTH = 2048;

    final float[] first = new float[LENGTH];
    final float[] second = new float[LENGTH];
    final float[] third = new float[LENGTH];
    final float[] fourth = new float[LENGTH];

    /**
     * Copies the tile at {@code start} of an optimizer's operands into the first (weights), second
     * (gradients), third and fourth (states, which may be null) arrays; returns its length.
     */
    int loadOptimizerTile(int start, int count, FloatBuffer weights, FloatBuffer gradients,
                          FloatBuffer firstState, FloatBuffer secondState) {
        int length = Math.min(LENGTH, count - start);
        weights.get(start, first, 0, length);
        gradients.get(start, second, 0, length);
        if (firstState != null) {
            firstState.get(start, third, 0, length);
        }
        if (secondState != null) {
            secondState.get(start, fourth, 0, length);
        }
        return length;
    }

    /** Writes an updated optimizer tile back. */
    void storeOptimizerTile(int start, int length, FloatBuffer weights, FloatBuffer firstState, FloatBuffer secondState) {
        weights.put(start, first, 0, length);
        if (firstState != null) {
            firstState.put(start, third, 0, length);
        }
        if (secondState != null) {
            secondState.put(start, fourth, 0, length);
        }
    }
}
