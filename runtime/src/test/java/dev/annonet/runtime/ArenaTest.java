package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.cuda.CudaBackend;
import org.junit.jupiter.api.Test;

/** A growing arena frees what it outgrows, on the CUDA backend's code path (host executor). */
class ArenaTest {

    @Test
    void growingFreesTheMemoryOutgrown() {
        NetworkLayout layout = NetworkLayout.builder("Arena")
                .input("x", 0, 4)
                .output("out", 4, Activation.Kind.LINEAR, 4, 2)
                .activationSize(6)
                .layer("x", "InputLayer", new int[] {4}, 0, 0)
                .layer("out", "Dense", new int[] {2}, 10, 10)
                .build();
        try (CudaBackend backend = CudaBackend.hostExecutor(false)) {
            Arena arena = new Arena(backend, layout, 8, true);
            Memory[] small = {arena.activations(), arena.activationGradients(), arena.targets()};
            arena.reserve(8);
            assertSame(small[0], arena.activations(), "a batch that fits keeps the memory");
            arena.reserve(32);
            assertNotSame(small[0], arena.activations());
            assertEquals(6 * 32, arena.activations().size());
            for (Memory outgrown : small) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.fill(outgrown, 0, 1, 0f));
                assertTrue(e.getMessage().contains("released"), e.getMessage());
            }
            backend.fill(arena.targets(), 0, 64, 1f);
        }
    }
}
