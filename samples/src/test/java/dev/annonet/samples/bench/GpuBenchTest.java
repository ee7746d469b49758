package dev.annonet.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The GPU bench's table and its reading of the PyTorch script (its measurements need a GPU: scripts/gpu-check.sh). */
class GpuBenchTest {
    @Test
    void eachRowSaysHowManyTimesFasterOrSlowerItIsThanPyTorchEagerAndPyTorchsBest() {
        List<GpuBench.Row> rows = List.of(
                new GpuBench.Row(128, "annonet, step as CUDA graph", 50),
                new GpuBench.Row(128, "pytorch eager", 200),
                new GpuBench.Row(128, "pytorch cuda graph", 75),
                new GpuBench.Row(128, "pytorch eager bf16", 100),
                new GpuBench.Row(1024, "annonet, step as CUDA graph", 100));
        String[] lines = GpuBench.table(rows, new int[] {128, 1024}).split("\n");
        assertEquals(7, lines.length);
        assertTrue(lines[0].trim().startsWith("batch"), lines[0]);
        assertTrue(lines[0].trim().endsWith("vs pytorch best"), lines[0]);
        assertEquals(List.of("128", "annonet,", "step", "as", "CUDA", "graph", "50.0", "2,560,000", "4.00x", "faster", "1.50x", "faster"),
                List.of(lines[1].trim().split("\\s+")));
        assertEquals(List.of("128", "pytorch", "eager", "200.0", "640,000", "2.67x", "slower"),
                List.of(lines[2].trim().split("\\s+")));
        assertEquals(List.of("128", "pytorch", "eager", "bf16", "100.0", "1,280,000", "2.00x", "faster", "1.33x", "slower"),
                List.of(lines[4].trim().split("\\s+")));
        assertEquals("128  pytorch best: pytorch cuda graph", lines[5].trim());
        assertEquals(List.of("1024", "annonet,", "step", "as", "CUDA", "graph", "100.0", "10,240,000"),
                List.of(lines[6].trim().split("\\s+")));
    }

    @Test
    void readsEachModesRowTheCopyTimesAndWhyAModeWasLeftOut() {
        String output = """
                {"mode": "eager", "batch": 128, "step_us": 900.5, "samples_per_second": 142142.1}
                {"mode": "cuda graph", "batch": 128, "step_us": 210.0, "samples_per_second": 609523.8}
                {"mode": "eager bf16", "batch": 128, "step_us": 800.0, "samples_per_second": 160000.0}
                {"mode": "compile", "batch": 128, "error": "torch.compile needs PyTorch 2.0 or later; this is 1.13.0"}
                {"engine": "pytorch 1.13.0 on NVIDIA H100", "results": [{"mode": "eager", "batch": 128, "step_us": 900.5}], "copy_us": {"128": 19.5}}
                """;
        GpuBench.PyTorchRun run = GpuBench.PyTorchRun.parse(output, new int[] {128});
        assertEquals(List.of(new GpuBench.Row(128, "pytorch eager", 900.5), new GpuBench.Row(128, "pytorch cuda graph", 210.0),
                new GpuBench.Row(128, "pytorch eager bf16", 800.0)), run.rows());
        assertEquals("pytorch 1.13.0 on NVIDIA H100", run.engine());
        assertEquals(Map.of(128, 19.5), run.copyMicros());
        assertEquals("pytorch compile at batch 128 left out: torch.compile needs PyTorch 2.0 or later; this is 1.13.0", run.note());
    }

    @Test
    void aRunWhereEveryModeRanHasNoNote() {
        GpuBench.PyTorchRun run = GpuBench.PyTorchRun.parse("""
                {"mode": "eager", "batch": 1024, "step_us": 1500.0, "samples_per_second": 682666.7}
                {"engine": "pytorch 2.11.0 on NVIDIA H200", "results": [], "copy_us": {"1024": 74.7}}
                """, new int[] {1024});
        assertNull(run.note());
        assertEquals(Map.of(1024, 74.7), run.copyMicros());
    }
}
