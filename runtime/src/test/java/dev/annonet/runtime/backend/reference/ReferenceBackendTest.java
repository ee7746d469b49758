package dev.annonet.runtime.backend.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.runtime.backend.Memory;
import org.junit.jupiter.api.Test;

/** Data movement, the raw-value accessor and memory ownership of the reference backend. */
class ReferenceBackendTest {
    private final ReferenceBackend backend = new ReferenceBackend();

    @Test
    void movesDataAndExposesDoubles() {
        assertEquals("reference", backend.name());
        Memory memory = backend.allocate(5);
        assertArrayEquals(new double[5], ReferenceBackend.values(memory));
        backend.upload(new float[] {9, 1.5f, 2.5f}, 1, memory, 2, 2);
        backend.fill(memory, 0, 2, 7);
        assertArrayEquals(new double[] {7, 7, 1.5, 2.5, 0}, ReferenceBackend.values(memory));
        backend.copy(memory, 1, memory, 2, 3); // overlapping ranges copy as if through a temporary
        ReferenceBackend.values(memory)[0] = 0.1;
        float[] downloaded = new float[6];
        backend.download(memory, 0, downloaded, 1, 5);
        assertArrayEquals(new float[] {0, 0.1f, 7, 7, 1.5f, 2.5f}, downloaded);
    }

    @Test
    void rejectsAnotherBackendsMemory() {
        Memory foreign = () -> 3;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.fill(foreign, 0, 3, 1));
        assertTrue(e.getMessage().startsWith("not a reference-backend memory"), e.getMessage());
    }
}
