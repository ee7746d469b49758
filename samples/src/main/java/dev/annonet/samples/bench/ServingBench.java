package dev.annonet.samples.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Predictor;
import dev.annonet.runtime.Tensor;
import dev.annonet.samples.cnn.MnistCnnModel;
import dev.annonet.samples.mnist.EmbeddedMnist;
import dev.annonet.samples.mnist.MnistMlpModel;
import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.function.IntFunction;

/**
 * Serving throughput on the CPU: predictions per second of the MNIST MLP and CNN through
 * {@link Predictor}s, one per thread, single samples and batches of 32, with 1 and 2 threads
 * (and 8 and 16 where the machine has that many cores), on the held-out digits. The thread counts
 * take turns, window after window, so that a neighbour's load on a shared machine slows them
 * alike; each number is the median of the turns. Beside each rate: the process's CPU time per
 * sample and the cores it got meanwhile, and a control, a plain arithmetic loop on as many
 * threads, which shows how many cores the machine gave at all.
 *
 * <pre>mvn -q package -DskipTests -Dsample=serving [-Dexec.args="--turns 5 --seconds 0.5"]</pre>
 */
public final class ServingBench {
    private static final int BATCH = 32;
    private static final OperatingSystemMXBean PROCESS = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);

    /** One thread's work: each call does some and says how many samples (or units) it did. */
    private interface Task extends AutoCloseable {
        int call();

        @Override
        void close();
    }

    /** A rate (samples or units per second) and the process's CPU time per sample meanwhile. */
    private record Measurement(double rate, double cpuMicrosPerSample) {
        double coresBusy() {
            return rate * cpuMicrosPerSample / 1e6;
        }
    }

    private ServingBench() {
    }

    public static void main(String[] args) throws Exception {
        int turns = 5;
        double seconds = 0.5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--turns" -> turns = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                default -> {
                    System.err.println("usage: ServingBench [--turns N] [--seconds S]");
                    System.exit(2);
                }
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        List<Integer> threadCounts = new ArrayList<>(List.of(1, 2));
        for (int many : new int[] {8, 16}) {
            if (cores >= many) {
                threadCounts.add(many);
            }
        }
        float[][] digits = rows(EmbeddedMnist.load().testImages());
        List<String> table = new ArrayList<>();
        table.add(String.format(Locale.ROOT, "%-10s %-15s %8s %14s %12s %14s %11s",
                "network", "call", "threads", "samples/s", "vs 1 thread", "CPU µs/sample", "cores busy"));
        rows(table, "control", "arithmetic loop", threadCounts,
                medians(threadCounts, turns, seconds, thread -> arithmetic()));
        try (MnistMlpModel mlp = MnistMlpModel.create(Device.cpu(), 42); MnistCnnModel cnn = MnistCnnModel.create(Device.cpu(), 42)) {
            for (Model model : List.of(mlp, cnn)) {
                rows(table, model.name(), "single sample", threadCounts,
                        medians(threadCounts, turns, seconds, thread -> singleSamples(model.predictor(), digits, thread)));
                rows(table, model.name(), "batch of " + BATCH, threadCounts,
                        medians(threadCounts, turns, seconds, thread -> batches(model.predictor(), digits, thread)));
            }
        }
        System.out.printf(Locale.ROOT, "%nServing on the CPU: one Predictor per thread, %d held-out MNIST digits%n", digits.length);
        System.out.printf(Locale.ROOT, "%s, %d cores, Java %s, %s; median of %d turns of %.1f s per thread count%n%n",
                LocalDate.now(), cores, System.getProperty("java.version"), System.getProperty("os.arch"), turns, seconds);
        table.forEach(System.out::println);
        System.out.println("\nCPU µs/sample: the process's CPU time per sample (per loop of 1,000 steps for the control);"
                + " cores busy: samples/s × CPU µs/sample.\nWhile the CPU per sample stays flat as threads are added, they do not"
                + " slow one another and the rate follows the cores busy, as the control's does.");
    }

    private static void rows(List<String> table, String network, String call, List<Integer> threadCounts, Measurement[] medians) {
        for (int t = 0; t < threadCounts.size(); t++) {
            Measurement m = medians[t];
            table.add(String.format(Locale.ROOT, "%-10s %-15s %8d %,14.0f %11.2fx %14.2f %11.2f", network, call,
                    threadCounts.get(t), m.rate(), m.rate() / medians[0].rate(), m.cpuMicrosPerSample(), m.coresBusy()));
        }
    }

    /** Each thread count's median over {@code turns} turns, after one untimed turn. */
    private static Measurement[] medians(List<Integer> threadCounts, int turns, double seconds, IntFunction<Task> tasks)
            throws Exception {
        double[][] rates = new double[threadCounts.size()][turns];
        double[][] cpuMicros = new double[threadCounts.size()][turns];
        for (int turn = -1; turn < turns; turn++) {
            for (int t = 0; t < threadCounts.size(); t++) {
                Measurement measurement = measure(threadCounts.get(t), seconds, tasks);
                if (turn >= 0) {
                    rates[t][turn] = measurement.rate();
                    cpuMicros[t][turn] = measurement.cpuMicrosPerSample();
                }
            }
        }
        Measurement[] medians = new Measurement[threadCounts.size()];
        for (int t = 0; t < medians.length; t++) {
            medians[t] = new Measurement(MnistBench.median(rates[t]), MnistBench.median(cpuMicros[t]));
        }
        return medians;
    }

    /** {@code threads} threads, each with its own task, calling it for {@code seconds}. */
    private static Measurement measure(int threads, double seconds, IntFunction<Task> tasks) throws Exception {
        long[] cpuBegin = new long[1];
        CyclicBarrier start = new CyclicBarrier(threads, () -> cpuBegin[0] = PROCESS.getProcessCpuTime());
        double[] rates = new double[threads];
        long[] done = new long[threads];
        List<Thread> running = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                try (Task task = tasks.apply(thread)) {
                    task.call(); // outside the window: a predictor's arena grows to the batch
                    start.await();
                    long begin = System.nanoTime();
                    long end = begin + (long) (seconds * 1e9);
                    long samples = 0;
                    long now;
                    do {
                        samples += task.call();
                        now = System.nanoTime();
                    } while (now < end);
                    rates[thread] = samples / ((now - begin) / 1e9);
                    done[thread] = samples;
                } catch (Exception | Error e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            running.add(worker);
            worker.start();
        }
        for (Thread worker : running) {
            worker.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a serving thread failed", failures.get(0));
        }
        long cpuNanos = PROCESS.getProcessCpuTime() - cpuBegin[0];
        return new Measurement(Arrays.stream(rates).sum(), cpuNanos / 1e3 / Arrays.stream(done).sum());
    }

    /** One digit per call, each thread walking the digits from its own place. */
    private static Task singleSamples(Predictor predictor, float[][] digits, int thread) {
        return new Task() {
            private int next = thread * 997 % digits.length;

            @Override
            public int call() {
                predictor.predict(digits[next]);
                next = (next + 1) % digits.length;
                return 1;
            }

            @Override
            public void close() {
                predictor.close();
            }
        };
    }

    /** Batches of 32 digits, each thread walking them from its own place. */
    private static Task batches(Predictor predictor, float[][] digits, int thread) {
        Tensor[] batches = new Tensor[digits.length / BATCH];
        for (int b = 0; b < batches.length; b++) {
            batches[b] = Tensor.of(Arrays.copyOfRange(digits, b * BATCH, (b + 1) * BATCH));
        }
        return new Task() {
            private int next = thread % batches.length;

            @Override
            public int call() {
                predictor.predict(batches[next], BATCH);
                next = (next + 1) % batches.length;
                return BATCH;
            }

            @Override
            public void close() {
                predictor.close();
            }
        };
    }

    /** The control: 1,000 dependent multiply-adds per call, no memory, nothing shared. */
    private static Task arithmetic() {
        return new Task() {
            private double x = 1;

            @Override
            public int call() {
                for (int i = 0; i < 1000; i++) {
                    x = x * 1.0000001 + 1e-9;
                }
                return x > 0 ? 1 : 0;
            }

            @Override
            public void close() {
            }
        };
    }

    private static float[][] rows(Tensor images) {
        float[][] rows = new float[images.samples()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = images.row(i);
        }
        return rows;
    }
}
