package dev.annonet.samples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ResNet50 GPU bench's code path, end to end on the CPU backend at batch 1 (one warm-up and one
 * timed training step, a few predictions, and the PyTorch script's CUDA-graph mode, which says why
 * it cannot run there, or the row says PyTorch is missing), its table and its reading of the
 * PyTorch script; its GPU numbers need a GPU (scripts/gpu-check.sh --bench).
 */
class ResNet50GpuBenchTest {
    @Test
    void runsEveryRowOnTheCpuAndSaysWhyTheGpuSettingsCannotRun() throws InterruptedException {
        ResNet50GpuBench.Settings settings = new ResNet50GpuBench.Settings("cpu", 1, 1, 2, 2, 1, 0.01,
                List.of("float32", "tf32", "mixed_bfloat16"), "cuda graph");
        List<String> progress = new ArrayList<>();
        String[] lines = ResNet50GpuBench.run(settings, progress::add).strip().split("\n");
        assertEquals(4, progress.size(), progress.toString());
        assertTrue(progress.get(0).startsWith("ResNet50GpuBench: annonet float32: training "), progress.get(0));
        assertEquals("ResNet50GpuBench: annonet tf32: not run: TF32 is a GPU setting; cpu is not a GPU", progress.get(1));
        assertTrue(lines[0].startsWith("ResNet50 (Keras's v1"), lines[0]);
        assertTrue(lines[1].startsWith("device: cpu"), lines[1]);
        assertEquals("| engine | train img/s @1 | infer ms @1 | infer img/s @2 | train vs AMP | latency vs AMP | infer vs AMP |", lines[4]);
        List<String> float32 = cells(lines[6]);
        assertEquals("annonet float32", float32.get(0));
        for (int column = 1; column <= 3; column++) {
            assertTrue(Double.parseDouble(float32.get(column).replace(",", "")) > 0, lines[6]);
        }
        assertEquals(List.of("annonet tf32", "not run [1]", "", "", "", "", ""), cells(lines[7]));
        assertEquals(List.of("annonet mixed_bfloat16", "not run [2]", "", "", "", "", ""), cells(lines[8]));
        // Where PyTorch is, its script says why it cannot capture on the CPU; where not, the row says that.
        assertEquals(List.of("pytorch cuda graph", "not run [3]", "", "", "", "", ""), cells(lines[9]));
        assertEquals("[1] TF32 is a GPU setting; cpu is not a GPU", lines[11]);
        assertTrue(lines[12].startsWith("[2] the precision policy is a GPU setting"), lines[12]);
        assertTrue(lines[13].startsWith("[3] "), lines[13]);
        assertEquals("[4] no ratios: PyTorch's AMP row (pytorch eager bf16) did not run", lines[14]);
    }

    @Test
    void comparesEachRowWithPyTorchsAmpAndNotesASmallerBatchAndAFailure() {
        List<ResNet50GpuBench.Row> rows = List.of(
                new ResNet50GpuBench.Row("annonet float32", 47, 1000, 2, 64, 3000, "batch 128 does not fit: too big", null),
                new ResNet50GpuBench.Row("pytorch eager bf16", 128, 2000, 4, 64, 1500, null, null),
                ResNet50GpuBench.Row.failed("pytorch compile", "torch.compile needs PyTorch 2.0"));
        String[] lines = ResNet50GpuBench.table(rows, 128, 64).split("\n");
        assertEquals(List.of("annonet float32", "1,000.0 at batch 47 [1]", "2.00", "3,000.0", "0.50x", "2.00x", "2.00x"), cells(lines[2]));
        assertEquals(List.of("pytorch eager bf16", "2,000.0", "4.00", "1,500.0", "", "", ""), cells(lines[3]));
        assertEquals(List.of("pytorch compile", "not run [2]", "", "", "", "", ""), cells(lines[4]));
        assertEquals("[1] batch 128 does not fit: too big", lines[6]);
        assertEquals("[2] torch.compile needs PyTorch 2.0", lines[7]);
    }

    @Test
    void readsThePyTorchScriptsRowsAndReasons() {
        List<ResNet50GpuBench.Row> rows = ResNet50GpuBench.parsePyTorch("""
                {"mode": "eager bf16", "train_batch": 128, "train_images_per_second": 2500.5, "infer_ms_at_1": 3.25, "infer_batch": 64, "infer_images_per_second": 9000.0}
                {"mode": "compile", "error": "torch.compile needs PyTorch 2.0 or later; this is 1.13.0"}
                {"engine": "pytorch 2.11.0 on NVIDIA H100"}
                """);
        assertEquals(List.of(new ResNet50GpuBench.Row("pytorch eager bf16", 128, 2500.5, 3.25, 64, 9000.0, null, null),
                ResNet50GpuBench.Row.failed("pytorch compile", "torch.compile needs PyTorch 2.0 or later; this is 1.13.0")), rows);
    }

    @Test
    void findsTheLargestFittingBatchInAFewTries() {
        List<Integer> tried = new ArrayList<>();
        assertEquals(47, ResNet50GpuBench.largestFitting(128, b -> tried.add(b) && b <= 47));
        assertTrue(tried.size() <= 7, tried.toString());
        assertEquals(0, ResNet50GpuBench.largestFitting(128, b -> false));
        assertEquals(127, ResNet50GpuBench.largestFitting(128, b -> true));
    }

    @Test
    void readsItsOptionsAndRejectsWhatItCannotRun() {
        ResNet50GpuBench.Settings defaults = ResNet50GpuBench.parse(new String[0]);
        assertEquals(ResNet50GpuBench.Settings.defaults(), defaults);
        assertEquals(List.of("float32", "tf32", "mixed_bfloat16"), defaults.rows());
        ResNet50GpuBench.Settings some = ResNet50GpuBench.parse(new String[] {"--batch", "64", "--rows", "tf32", "--no-pytorch"});
        assertEquals(64, some.batch());
        assertEquals(List.of("tf32"), some.rows());
        assertEquals(null, some.pytorchModes());
        for (String[] bad : List.of(new String[] {"--rows", "float16"}, new String[] {"--batch", "0"},
                new String[] {"--device", "tpu"}, new String[] {"--fast"})) {
            assertThrows(IllegalArgumentException.class, () -> ResNet50GpuBench.parse(bad), String.join(" ", bad));
        }
    }

    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.substring(1, line.length() - 1).split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }
}
