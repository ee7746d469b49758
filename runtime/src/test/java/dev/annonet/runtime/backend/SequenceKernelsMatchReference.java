package dev.annonet.runtime.backend;

import dev.annonet.contract.RecurrentCell;
import dev.annonet.runtime.backend.BackendPair.Twin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recurrent and Embedding kernels of a fast backend against the reference backend on the same
 * float inputs, operands at offsets inside shared memories: relative error below 1e-4 over each
 * region. Each fast backend's test nests a subclass that names it.
 */
public abstract class SequenceKernelsMatchReference {
    private final BackendPair pair = new BackendPair(newFastBackend(), 99);

    /** The backend under test, new for each test. */
    protected abstract Backend newFastBackend();

    @AfterEach
    void close() {
        pair.close();
    }

    private static final String CELLS = "dev.annonet.runtime.backend.TestData#recurrentCells";

    @ParameterizedTest(name = "{0}, returnSequences={1}")
    @MethodSource(CELLS)
    void recurrentForwardAndBackward(RecurrentCell cell, boolean returnSequences) {
        recurrentMatches(cell, 5, 7, 6, 8, returnSequences, 0.5);
    }

    /** 12 units: the CPU kernels' eight-cell vector lanes and the scalar cells after them, in one row. */
    @ParameterizedTest(name = "{0}, returnSequences={1}")
    @MethodSource(CELLS)
    void recurrentWithUnitsPastTheLastFullLane(RecurrentCell cell, boolean returnSequences) {
        recurrentMatches(cell, 5, 4, 3, 12, returnSequences, 0.5);
    }

    /** Weights that push the gates' pre-activations far past ±10: exp and tanh at the ends of their range. */
    @ParameterizedTest(name = "{0}, returnSequences={1}")
    @MethodSource(CELLS)
    void recurrentWithSaturatedGates(RecurrentCell cell, boolean returnSequences) {
        recurrentMatches(cell, 6, 3, 4, 16, returnSequences, 20);
    }

    /** Enough cells per step that a backend may split them over threads (the CPU kernels do past 2,048). */
    @ParameterizedTest(name = "{0}, returnSequences={1}")
    @MethodSource(CELLS)
    void recurrentOverManyRows(RecurrentCell cell, boolean returnSequences) {
        recurrentMatches(cell, 40, 3, 5, 64, returnSequences, 0.5);
    }

    private void recurrentMatches(RecurrentCell cell, int batch, int steps, int inputs, int units, boolean returnSequences,
                                  double weightRange) {
        int pad = 3;
        int xSize = batch * steps * inputs;
        int ySize = batch * (returnSequences ? steps : 1) * units;
        int workspaceSize = batch * cell.workspaceSize(steps, units);
        int weightCount = cell.weightCount(inputs, units);
        int width = cell.gates() * units;
        // arena: [pad, x, workspace, y]; parameters: [pad, weights]
        int xAt = pad;
        int workspaceAt = xAt + xSize;
        int yAt = workspaceAt + workspaceSize;
        Twin arena = pair.twin(pair.uniform(yAt + ySize, -1, 1));
        Twin gradients = pair.twin(pair.uniform(yAt + ySize, -1, 1)); // the upstream gradient at y, stale values elsewhere
        Twin parameters = pair.twin(pair.uniform(pad + weightCount, -weightRange, weightRange));
        Twin parameterGradients = pair.twin(pair.uniform(pad + weightCount, -1, 1));
        pair.onBoth((backend, side) -> {
            backend.recurrent(cell, batch, steps, inputs, units, returnSequences, side.apply(arena), xAt,
                    side.apply(parameters), pad, side.apply(arena), workspaceAt, side.apply(arena), yAt);
            backend.recurrentBackward(cell, batch, steps, inputs, units, returnSequences, side.apply(arena), xAt,
                    side.apply(parameters), pad, side.apply(arena), workspaceAt, side.apply(gradients), yAt,
                    side.apply(parameterGradients), pad, side.apply(gradients), workspaceAt,
                    side.apply(gradients), xAt);
        });
        pair.assertMatchesInNorm(arena, "output", yAt, ySize);
        pair.assertMatchesInNorm(parameterGradients, "kernel gradient", pad, inputs * width);
        pair.assertMatchesInNorm(parameterGradients, "recurrent kernel gradient", pad + inputs * width, units * width);
        pair.assertMatchesInNorm(parameterGradients, "bias gradient", pad + (inputs + units) * width, cell.biasCount(units));
        pair.assertMatchesInNorm(gradients, "input gradient", xAt, xSize);
    }

    @Test
    void embeddingForwardAndBackward() {
        int rows = 12;
        int inputDim = 9;
        int outputDim = 5;
        float[] indices = new float[rows + 2];
        for (int r = 0; r < rows; r++) {
            indices[2 + r] = pair.random().nextInt(inputDim);
        }
        Twin arena = pair.twin(concat(indices, new float[rows * outputDim]));
        Twin gradients = pair.twin(pair.uniform(2 + rows + rows * outputDim, -1, 1));
        Twin parameters = pair.twin(pair.uniform(1 + inputDim * outputDim, -1, 1));
        Twin parameterGradients = pair.twin(pair.uniform(1 + inputDim * outputDim, -1, 1));
        pair.onBoth((backend, side) -> {
            backend.embedding(rows, inputDim, outputDim, side.apply(arena), 2, side.apply(parameters), 1,
                    side.apply(arena), 2 + rows);
            backend.embeddingBackward(rows, inputDim, outputDim, side.apply(arena), 2, side.apply(gradients), 2 + rows,
                    side.apply(parameterGradients), 1);
        });
        pair.assertMatchesInNorm(arena, "embedded rows", 2 + rows, rows * outputDim);
        pair.assertMatchesInNorm(parameterGradients, "embeddings gradient", 1, inputDim * outputDim);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] all = new float[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
