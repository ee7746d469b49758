package dev.annonet.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A data-parallel rank's dropout: a call over a slice of a global batch draws exactly that slice
 * of the global batch's mask, for widths that are and are not multiples of a mask group (8).
 */
class DropoutSliceTest {
    private static final double RATE = 0.3;

    @Test
    void aSliceDrawsItsPartOfTheGlobalMask() {
        try (Backend backend = CpuBackend.create()) {
            for (int width : new int[] {512, 13, 1}) {
                checkSlices(backend, width, 40, new int[] {0, 16, 24, 40});
            }
        }
    }

    /** The global batch of {@code batch} samples cut at {@code cuts}, each part dropped on its own. */
    private static void checkSlices(Backend backend, int width, int batch, int[] cuts) {
        float[] global = drop(backend, batch * width);
        float[] pieces = new float[global.length];
        for (int c = 0; c + 1 < cuts.length; c++) {
            int samples = cuts[c + 1] - cuts[c];
            backend.dropoutSlice(cuts[c], samples);
            float[] piece = drop(backend, samples * width);
            System.arraycopy(piece, 0, pieces, cuts[c] * width, piece.length);
        }
        backend.dropoutSlice(0, 0);
        assertArrayEquals(global, pieces, "width " + width + " on " + backend.name());
    }

    /** The mask (as 0 or the scale) of a call over {@code count} values. */
    private static float[] drop(Backend backend, int count) {
        float[] ones = new float[count];
        Arrays.fill(ones, 1f);
        Memory x = backend.allocate(count);
        backend.upload(ones, 0, x, 0, count);
        backend.dropout(RATE, 42, 7, count, x, 0, x, 0);
        float[] mask = new float[count];
        backend.download(x, 0, mask, 0, count);
        backend.release(x);
        return mask;
    }

    @Test
    void aSliceMustStartOnAGroup() {
        try (Backend backend = CpuBackend.create()) {
            IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> backend.dropoutSlice(12, 4));
            assertTrue(failure.getMessage().contains("multiple of 8"), failure.getMessage());
        }
    }
}
