package dev.annonet.runtime.backend;

import static dev.annonet.runtime.backend.ReferenceAssertions.assertValues;
import static dev.annonet.runtime.backend.TestData.memory;
import static dev.annonet.runtime.backend.TestData.uniform;
import static dev.annonet.runtime.backend.reference.ReferenceBackend.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.annonet.runtime.backend.reference.ReferenceBackend;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/** The Embedding kernels on the reference backend: gather, scatter-add, bad indices. */
class EmbeddingKernelsTest {
    private final ReferenceBackend backend = new ReferenceBackend();
    // 3 words × 2 values
    private final Memory table = memory(backend, 1, 2, 3, 4, 5, 6);

    @Test
    void gathersTheRowOfEachIndex() {
        Memory y = backend.allocate(8);
        backend.embedding(4, 3, 2, memory(backend, 2, 0, 2, 1), 0, table, 0, y, 0);
        assertValues(new double[] {5, 6, 1, 2, 5, 6, 3, 4}, values(y), "rows 2, 0, 2, 1");
    }

    @Test
    void backwardSumsTheGradientsOfRepeatedIndicesAndZeroesTheRest() {
        Memory dTable = memory(backend, 9, 9, 9, 9, 9, 9); // stale values: overwritten
        Memory dy = memory(backend, 1, 2, 10, 20, 100, 200);
        backend.embeddingBackward(3, 3, 2, memory(backend, 2, 0, 2), 0, dy, 0, dTable, 0);
        assertValues(new double[] {10, 20, 0, 0, 101, 202}, values(dTable), "scatter-add");
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Random random = new Random(5);
        Memory indices = memory(backend, 1, 3, 1, 0, 4, 1);
        Memory weights = memory(backend, uniform(random, 5 * 3, -1, 1));
        Memory upstream = memory(backend, uniform(random, 6 * 3, -1, 1));
        Memory y = backend.allocate(6 * 3);
        DoubleSupplier objective = () -> {
            backend.embedding(6, 5, 3, indices, 0, weights, 0, y, 0);
            return TestData.dot(values(y), values(upstream));
        };
        Memory dWeights = backend.allocate(5 * 3);
        backend.embeddingBackward(6, 5, 3, indices, 0, upstream, 0, dWeights, 0);
        GradientCheck.assertGradient("embeddings", objective, values(weights), values(dWeights));
    }

    @Test
    void anIndexOutsideTheTableIsAnErrorNamingItAndNothingIsWritten() {
        Memory y = memory(backend, 7, 7, 7, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.embedding(2, 3, 2, memory(backend, 1, 3), 0, table, 0, y, 0));
        assertEquals("embedding: index 3.0 at position 1 is not a whole number in [0, 3)", e.getMessage());
        assertValues(new double[] {7, 7, 7, 7}, values(y), "untouched");
        assertThrows(IllegalArgumentException.class,
                () -> backend.embedding(1, 3, 2, memory(backend, 0.5), 0, table, 0, y, 0));
        assertThrows(IllegalArgumentException.class,
                () -> backend.embedding(1, 3, 2, memory(backend, -1), 0, table, 0, y, 0));
    }
}
