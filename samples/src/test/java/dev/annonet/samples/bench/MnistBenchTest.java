package dev.annonet.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MnistBenchTest {
    @Test
    void epochTimeIsTheMedianOfTheEpochsAfterTheFirst() {
        assertEquals(2.0, MnistBench.medianAfterFirst(List.of(9.0, 3.0, 1.0, 2.0)));
        assertEquals(2.5, MnistBench.medianAfterFirst(List.of(9.0, 3.0, 2.0)));
        assertEquals(9.0, MnistBench.medianAfterFirst(List.of(9.0)));
    }

    @Test
    void eachRowIsFollowedByItsRatiosToPyTorch() {
        MnistBench.Row pytorch = new MnistBench.Row("pytorch 1.13 (2 threads)", 0.2, 40_000, 0.96, 100_000, 120, 300);
        MnistBench.Row annonet = new MnistBench.Row("annonet cpu", 0.1, 80_000, 0.965, 150_000, 30, 60);
        String[] lines = MnistBench.table(List.of(pytorch, annonet)).split("\n");
        assertEquals(4, lines.length);
        assertTrue(lines[0].startsWith("engine"), lines[0]);
        assertTrue(lines[2].startsWith("annonet cpu"), lines[2]);
        assertEquals(List.of("ratio", "to", "pytorch", "0.50x", "2.00x", "1.50x", "0.25x", "0.20x"),
                List.of(lines[3].trim().split("\\s+")));
    }
}
