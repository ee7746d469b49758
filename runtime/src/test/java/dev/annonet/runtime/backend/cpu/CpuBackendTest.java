package dev.annonet.runtime.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.backend.Backend;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.UpdateRule;
import org.junit.jupiter.api.Test;

/** The CPU backend's memory life cycle and its failures on bad use. */
class CpuBackendTest {

    @Test
    void memoryStartsZeroedAndRoundTrips() {
        try (CpuBackend backend = new CpuBackend()) {
            Memory memory = backend.allocate(4);
            float[] values = {9, 9, 9, 9, 9};
            backend.download(memory, 0, values, 1, 4);
            assertArrayEquals(new float[] {9, 0, 0, 0, 0}, values);
            backend.upload(new float[] {1, 2, 3}, 0, memory, 1, 3);
            backend.download(memory, 0, values, 0, 4);
            assertArrayEquals(new float[] {0, 1, 2, 3, 0}, values);
            assertEquals(0, backend.allocate(0).size());
        }
    }

    @Test
    void rangesPastAMemoryFailNamingTheSizes() {
        try (Backend backend = CpuBackend.create()) {
            Memory small = backend.allocate(4);
            Memory large = backend.allocate(100);
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                    () -> backend.matmul(true, false, 3, 2, 2, large, 0, small, 1, large, 0, false));
            assertEquals("matmul b: offset 1 + count 4 is outside its memory of size 4", e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> backend.update(new UpdateRule.RmsProp(0.9f, 1e-7f), 101, large, large, large, null, 1, 1));
        }
    }

    @Test
    void refusesForeignMemoryAndUseAfterClose() {
        CpuBackend backend = new CpuBackend();
        Memory memory = backend.allocate(3);
        try (CpuBackend other = new CpuBackend()) {
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                    () -> other.fill(memory, 0, 3, 1));
            assertEquals("not a memory of this cpu backend: " + memory, foreign.getMessage());
        }
        backend.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> backend.fill(memory, 0, 3, 1));
        assertEquals("the cpu backend is closed", closed.getMessage());
        assertThrows(IllegalStateException.class, () -> backend.allocate(1));
    }

    @Test
    void aForkBorrowsItsLendersMemoryInPlaceAndLeavesItToTheLender() {
        try (CpuBackend lender = new CpuBackend()) {
            Memory lent = lender.allocate(3);
            lender.upload(new float[] {1, 2, 3}, 0, lent, 0, 3);
            Backend fork = lender.fork();
            Memory borrowed = fork.borrow(lent);
            float[] values = new float[3];
            fork.download(borrowed, 0, values, 0, 3);
            assertArrayEquals(new float[] {1, 2, 3}, values);
            fork.upload(new float[] {7}, 0, borrowed, 1, 1);
            lender.download(lent, 0, values, 0, 3);
            assertArrayEquals(new float[] {1, 7, 3}, values);

            Memory own = fork.allocate(1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fork.borrow(own));
            assertEquals("not a memory of the cpu backend this one was forked from: " + own, e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> lender.borrow(lent));
            fork.close();
            lender.download(lent, 0, values, 0, 3);
            assertArrayEquals(new float[] {1, 7, 3}, values);
            assertThrows(IllegalStateException.class, () -> fork.download(borrowed, 0, values, 0, 3));
        }
    }
}
