package dev.annonet.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The GPU bench's table (its measurements need a GPU: scripts/gpu-check.sh). */
class GpuBenchTest {
    @Test
    void eachRowSaysHowManyTimesFasterOrSlowerItIsThanEachPyTorchMode() {
        List<GpuBench.Row> rows = List.of(
                new GpuBench.Row(128, "annonet, step as CUDA graph", 50),
                new GpuBench.Row(128, "pytorch eager", 200),
                new GpuBench.Row(128, "pytorch cuda graph", 75),
                new GpuBench.Row(1024, "annonet, step as CUDA graph", 100));
        String[] lines = GpuBench.table(rows, new int[] {128, 1024}).split("\n");
        assertEquals(5, lines.length);
        assertTrue(lines[0].trim().startsWith("batch"), lines[0]);
        assertEquals(List.of("128", "annonet,", "step", "as", "CUDA", "graph", "50.0", "2,560,000", "4.00x", "faster", "1.50x", "faster"),
                List.of(lines[1].trim().split("\\s+")));
        assertEquals(List.of("128", "pytorch", "eager", "200.0", "640,000", "2.67x", "slower"),
                List.of(lines[2].trim().split("\\s+")));
        assertEquals(List.of("1024", "annonet,", "step", "as", "CUDA", "graph", "100.0", "10,240,000"),
                List.of(lines[4].trim().split("\\s+")));
    }
}
