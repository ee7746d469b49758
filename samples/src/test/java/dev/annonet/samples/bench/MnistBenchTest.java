package dev.annonet.samples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
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

    @Test
    void enginesAreTimedInAlternatingTurnsAndEachLatencyBlockStartsUntimed() {
        List<String> calls = new ArrayList<>();
        FakeEngine first = new FakeEngine("a", 100, calls);
        FakeEngine second = new FakeEngine("b", 50, calls);
        List<MnistBench.Turns> turns = MnistBench.inTurns(List.of(first, second), 2, 0.1, 20);
        assertEquals(List.of("a inference", "a latency 2", "a latency 20", "b inference", "b latency 2", "b latency 20",
                "a inference", "a latency 2", "a latency 20", "b inference", "b latency 2", "b latency 20"), calls);
        assertArrayEquals(new double[] {100, 101}, turns.get(0).inferenceRates());
        assertEquals(40, turns.get(0).latencies().length);
        assertEquals("2.00x 1.98x", MnistBench.turnRatios(turns.get(0).inferenceRates(), turns.get(1).inferenceRates()));
    }

    @Test
    void aRowTakesTheMedianTurnAndThePercentilesOfAllLatencies() {
        double[] latencies = new double[200];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = 200 - i; // 200 down to 1
        }
        MnistBench.Row row = new MnistBench.Turns(new double[] {5, 1, 3}, latencies)
                .row(new MnistBench.Training("x", 0.5, 16_000, 0.9));
        assertEquals(3, row.inferenceSamplesPerSecond());
        assertEquals(100.5, row.latencyMedian());
        assertEquals(198, row.latencyP99()); // the value at index 0.99 · 199 of the sorted 200
    }

    @Test
    void theScriptsLatencyArraysAreRead() {
        assertArrayEquals(new double[] {154.5, 2, 3e2}, MnistBench.numbers("{\"latencies_us\": [154.5, 2, 3e2]}", "latencies_us"));
        assertArrayEquals(new double[0], MnistBench.numbers("{\"latencies_us\": []}", "latencies_us"));
    }

    /** Rates rise by one each turn; each latency is 1 µs; every call is logged. */
    private static final class FakeEngine implements MnistBench.Engine {
        private final String name;
        private double rate;
        private final List<String> calls;

        FakeEngine(String name, double rate, List<String> calls) {
            this.name = name;
            this.rate = rate;
            this.calls = calls;
        }

        @Override
        public MnistBench.Training training() {
            return new MnistBench.Training(name, 1, 1, 1);
        }

        @Override
        public double inferenceRate(double seconds) {
            calls.add(name + " inference");
            return rate++;
        }

        @Override
        public double[] latencies(int count) {
            calls.add(name + " latency " + count);
            double[] times = new double[count];
            Arrays.fill(times, 1);
            return times;
        }

        @Override
        public void close() {
        }
    }
}
