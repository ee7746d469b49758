package dev.annonet.runtime.backend;

import dev.annonet.dsl.Activation;
import dev.annonet.runtime.backend.BackendPair.Twin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The merge kernels of a fast backend against the reference backend, operands at offsets in one
 * arena; enough values that a backend may split them over threads. Each fast backend's test
 * nests a subclass that names it.
 */
public abstract class MergeKernelsMatchReference {
    private static final int INPUTS = 3;
    private static final int COUNT = 70_001;
    private static final float[] SCALES = {1, 0.17f, -2};

    private final BackendPair pair = new BackendPair(newFastBackend(), 41);

    /** The backend under test, new for each test. */
    protected abstract Backend newFastBackend();

    @AfterEach
    void close() {
        pair.close();
    }

    @ParameterizedTest
    @EnumSource(MergeKind.class)
    void mergeForwardAndBackward(MergeKind kind) {
        mergeForwardAndBackward(kind, ActivationFunction.IDENTITY);
    }

    /** An activated merge: the function in the last input's pass, written to {@code activated}, the sum kept. */
    @ParameterizedTest
    @EnumSource(MergeKind.class)
    void mergeWithFusedActivation(MergeKind kind) {
        mergeForwardAndBackward(kind, ActivationFunction.of(Activation.Kind.RELU));
        mergeForwardAndBackward(kind, ActivationFunction.thresholdedLinear(-0.5, 0.25));
    }

    private void mergeForwardAndBackward(MergeKind kind, ActivationFunction f) {
        // arena: [pad | x0 x1 x2 | y | chosen | dy | dx0 dx1 dx2 | activated]
        int x = 3;
        int y = x + INPUTS * COUNT;
        int chosen = y + COUNT;
        int dy = chosen + COUNT;
        int dx = dy + COUNT;
        int activated = dx + INPUTS * COUNT;
        Twin arena = pair.uniformTwin(activated + COUNT, -1, 1);
        boolean chooses = kind == MergeKind.MAXIMUM || kind == MergeKind.MINIMUM;
        boolean activates = f != ActivationFunction.IDENTITY;
        pair.onBoth((backend, side) -> {
            Memory a = side.apply(arena);
            // a tie between inputs 0 and 1 in the first values, which must choose input 0 on both sides
            backend.copy(a, x, a, x + COUNT, 100);
            for (int i = 0; i < INPUTS; i++) {
                boolean fused = activates && i == INPUTS - 1;
                backend.merge(kind, i, SCALES[i], COUNT, a, x + i * COUNT, a, y, chooses ? a : null, chosen,
                        fused ? f : ActivationFunction.IDENTITY, fused ? a : null, activated);
            }
            for (int i = 0; i < INPUTS; i++) {
                if (chooses) {
                    backend.mergeChosenBackward(i, COUNT, a, chosen, a, dy, a, dx + i * COUNT);
                } else {
                    // a fan-out's accumulation: dx += SCALE · dy
                    backend.merge(MergeKind.SUM, 1, SCALES[i], COUNT, a, dy, a, dx + i * COUNT, null, 0);
                }
            }
        });
        pair.assertMatches(arena, kind + " merge then " + f.kind());
    }

    @Test
    void copyColumns() {
        int rows = 2_000;
        // arena: [pad | x: rows × 7 | y: rows × 12]
        int x = 5;
        int y = x + rows * 7;
        Twin arena = pair.uniformTwin(y + rows * 12, -1, 1);
        pair.onBoth((backend, side) -> {
            Memory a = side.apply(arena);
            backend.copyColumns(rows, 4, a, x, 7, 2, a, y, 12, 5);
        });
        pair.assertMatches(arena, "copyColumns");
    }
}
