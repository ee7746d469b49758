package dev.annonet.runtime.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Heap copies of one tile of each optimizer operand, reused for every tile and step. An optimizer
 * step streams every parameter, and the JIT vectorizes its loop over float arrays but not over
 * direct buffers (about three times slower on these machines); the bulk copies cost little.
 */
final class OptimizerTiles {
    static final int LENGTH = 2048;

    final float[] weights = new float[LENGTH];
    final float[] gradients = new float[LENGTH];
    final float[] first = new float[LENGTH];
    final float[] second = new float[LENGTH];

    /** Copies the tile at {@code start} of each operand (states may be null) and returns its length. */
    int load(int start, int count, FloatBuffer weights, FloatBuffer gradients,
             FloatBuffer firstState, FloatBuffer secondState) {
        int length = Math.min(LENGTH, count - start);
        weights.get(start, this.weights, 0, length);
        gradients.get(start, this.gradients, 0, length);
        if (firstState != null) {
            firstState.get(start, first, 0, length);
        }
        if (secondState != null) {
            secondState.get(start, second, 0, length);
        }
        return length;
    }

    /** Writes the updated tile back. */
    void store(int start, int length, FloatBuffer weights, FloatBuffer firstState, FloatBuffer secondState) {
        weights.put(start, this.weights, 0, length);
        if (firstState != null) {
            firstState.put(start, first, 0, length);
        }
        if (secondState != null) {
            secondState.put(start, second, 0, length);
        }
    }
}
