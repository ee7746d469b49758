package dev.annonet.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.annonet.contract.Initializer;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The recurrent layers' initializers: orthogonal recurrent kernels, unit forget bias, uniform embeddings. */
class InitializersTest {

    @ParameterizedTest(name = "{0}×{1}")
    @CsvSource({"8, 32", "32, 8", "5, 5"})
    void orthogonalMatrixHasOrthonormalShorterSide(int rows, int cols) {
        double[] m = Initializers.orthogonal(rows, cols, new SplittableRandom(3));
        boolean byColumns = rows >= cols;
        int count = Math.min(rows, cols);
        int n = Math.max(rows, cols);
        for (int a = 0; a < count; a++) {
            for (int b = 0; b < count; b++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += byColumns ? m[i * cols + a] * m[i * cols + b] : m[a * cols + i] * m[b * cols + i];
                }
                assertEquals(a == b ? 1 : 0, dot, 1e-12, "vectors " + a + " and " + b);
            }
        }
    }

    @Test
    void orthogonalIsDeterministicForASeed() {
        assertArrayEquals(Initializers.orthogonal(4, 16, new SplittableRandom(9)),
                Initializers.orthogonal(4, 16, new SplittableRandom(9)));
    }

    @Test
    void unitForgetBiasSetsOnlyTheForgetGate() {
        float[] values = new float[2 + 12];
        NetworkLayout.Parameter bias = new NetworkLayout.Parameter("lstm.bias", 2, new int[] {12},
                Initializer.unitForgetBias(3), null, false);
        Initializers.fill(bias, values, new SplittableRandom(1));
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0}, values);
    }

    @Test
    void uniformStaysInItsLimit() {
        float[] values = new float[1000];
        NetworkLayout.Parameter table = new NetworkLayout.Parameter("embed.embeddings", 0, new int[] {100, 10},
                Initializer.uniform(0.05), null, false);
        Initializers.fill(table, values, new SplittableRandom(1));
        for (float v : values) {
            assertTrue(v >= -0.05f && v <= 0.05f && v != 0, "value " + v);
        }
    }
}
