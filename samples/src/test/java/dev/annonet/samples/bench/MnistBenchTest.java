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
    void enginesAreTimedInAlternatingTurnsAndEachInferenceTurnAfterAnUntimedOne() {
        List<String> calls = new ArrayList<>();
        FakeEngine first = new FakeEngine("a", 100, calls);
        FakeEngine second = new FakeEngine("b", 50, calls);
        List<MnistBench.Measured> measured = MnistBench.inTurns(List.of(first, second), 2, 2, 0.1, 20);
        List<String> expected = new ArrayList<>(List.of("a epoch", "b epoch", "a epoch", "b epoch", "a accuracy", "b accuracy"));
        for (int t = 0; t < 3; t++) { // the untimed turn and two timed ones; a latency block after a tenth of it
            expected.addAll(List.of("a inference", "a latency 2", "a latency 20", "b inference", "b latency 2", "b latency 20"));
        }
        assertEquals(expected, calls);
        MnistBench.Measured a = measured.get(0);
        assertEquals("a", a.engine());
        assertArrayEquals(new double[] {1, 2}, a.epochSeconds());
        assertArrayEquals(new double[] {101, 102}, a.inferenceRates());
        assertEquals(40, a.latencies().length);
        assertEquals("1.98x 1.96x", MnistBench.turnRatios(a.inferenceRates(), measured.get(1).inferenceRates()));
    }

    @Test
    void aRowTakesTheMedianTurnsAndThePercentilesOfAllLatencies() {
        double[] latencies = new double[200];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = 200 - i; // 200 down to 1
        }
        MnistBench.Row row = new MnistBench.Measured("x", new double[] {9, 0.5, 0.25, 1}, 0.9, new double[] {5, 1, 3}, latencies)
                .row(16_000);
        assertEquals(0.5, row.epochSeconds()); // epochs 2..N
        assertEquals(32_000, row.trainSamplesPerSecond());
        assertEquals(3, row.inferenceSamplesPerSecond());
        assertEquals(100.5, row.latencyMedian());
        assertEquals(198, row.latencyP99()); // the value at index 0.99 · 199 of the sorted 200
    }

    @Test
    void theScriptsLatencyArraysAreRead() {
        assertArrayEquals(new double[] {154.5, 2, 3e2}, MnistBench.numbers("{\"latencies_us\": [154.5, 2, 3e2]}", "latencies_us"));
        assertArrayEquals(new double[0], MnistBench.numbers("{\"latencies_us\": []}", "latencies_us"));
    }

    /** Epochs take 1, 2, ... s; rates rise by one each turn; each latency is 1 µs; every call is logged. */
    private static final class FakeEngine implements Engine {
        private final String name;
        private double rate;
        private double epoch;
        private final List<String> calls;

        FakeEngine(String name, double rate, List<String> calls) {
            this.name = name;
            this.rate = rate;
            this.calls = calls;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public double trainEpoch() {
            calls.add(name + " epoch");
            return ++epoch;
        }

        @Override
        public double accuracy() {
            calls.add(name + " accuracy");
            return 0.9;
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
