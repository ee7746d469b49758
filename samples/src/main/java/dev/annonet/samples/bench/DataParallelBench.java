package dev.annonet.samples.bench;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Evaluation;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.callbacks.Callback;
import dev.annonet.runtime.callbacks.Logs;
import dev.annonet.runtime.callbacks.Training;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.runtime.distributed.Communicator;
import dev.annonet.runtime.distributed.NcclCommunicator;
import dev.annonet.runtime.distributed.TcpRing;
import dev.annonet.samples.cnn.MnistCnnModel;
import dev.annonet.samples.mnist.EmbeddedMnist;
import dev.annonet.samples.mnist.MnistMlpModel;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Data-parallel scaling on one machine: the course's MNIST MLP (RMSprop, the embedded 8,000
 * digits) trained by 1 and by 2 rank processes joined by the TCP ring over loopback, each rank a
 * JVM of its own limited to {@code --threads} cores ({@code -XX:ActiveProcessorCount}, which sizes
 * OpenBLAS's and annonet's pool). Rows: one process using every core (today's fit), one rank of
 * one core, and two ranks of one core each at the same global batch (strong scaling) and at twice
 * it (the same batch per rank, weak scaling). Each rank times its epochs and the time its
 * all-reduces took; the table gives the median epoch after the first, samples per second, the
 * all-reduce's share and the held-out accuracy.
 *
 * <pre>mvn -q package -DskipTests -Dsample=dpbench [-Dexec.args="--epochs 6 --batch 128"]</pre>
 *
 * <p>On a GPU with NCCL, {@code --nccl-graph [EPOCHS]} instead times the cost of the data-parallel
 * step's all-reduces inside its CUDA graph ({@link #ncclGraphCost}); scripts/gpu-check.sh runs it.
 */
public final class DataParallelBench {
    private static final String RESULT = "RESULT ";

    private DataParallelBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--rank")) {
            runRank(args);
            return;
        }
        if (args.length > 0 && args[0].equals("--nccl-graph")) {
            ncclGraphCost(args.length > 1 ? Integer.parseInt(args[1]) : 6);
            return;
        }
        int epochs = 6;
        int batch = 128;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; expected --epochs N, --batch B");
            }
        }
        if (epochs < 2) {
            throw new IllegalArgumentException("--epochs must be at least 2: the first is warm-up");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "MNIST MLP 784-512(relu)-dropout-10(softmax), RMSprop, 8000 digits, %d epochs;"
                + " %d cores, Java %s; ranks are JVMs joined by the TCP ring over loopback%n", epochs, cores,
                System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%-34s %6s %8s %8s %10s %12s %10s %10s%n", "configuration", "ranks", "cores/rk",
                "batch", "epoch s", "samples/s", "allreduce", "accuracy");
        double base = 0;
        for (int[] row : new int[][] {{1, cores, batch}, {1, 1, batch}, {2, 1, batch}, {2, 1, 2 * batch}}) {
            List<String[]> ranks = launch(row[0], row[1], row[2], epochs);
            double epoch = Double.parseDouble(ranks.get(0)[1]);
            double reduce = Double.parseDouble(ranks.get(0)[2]);
            String accuracy = ranks.get(0)[3];
            String name = row[0] == 1 ? (row[1] == cores ? "one process, all cores" : "one rank, one core")
                    : row[2] == batch ? "two ranks, same global batch" : "two ranks, same batch per rank";
            double rate = 8000 / epoch;
            if (row[0] == 1 && row[1] == 1) {
                base = rate;
            }
            System.out.printf(Locale.ROOT, "%-34s %6d %8d %8d %10.4f %,12.0f %9.1f%% %10s%s%n", name, row[0], row[1], row[2],
                    epoch, rate, 100 * reduce / epoch, accuracy,
                    row[0] == 2 && base > 0 ? String.format(Locale.ROOT, "   %.2fx one core", rate / base) : "");
        }
    }

    /** Starts {@code worldSize} rank JVMs and returns each one's result line, split. */
    private static List<String[]> launch(int worldSize, int cores, int batch, int epochs)
            throws IOException, InterruptedException, URISyntaxException {
        List<Integer> ports = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            try (TcpRing.Endpoint free = TcpRing.Endpoint.bind(new InetSocketAddress("127.0.0.1", 0))) {
                ports.add(free.port());
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            List<String> command = new ArrayList<>(List.of(java, "-XX:ActiveProcessorCount=" + cores, "-cp", classPath(),
                    DataParallelBench.class.getName(), "--rank", Integer.toString(rank), "--batch", Integer.toString(batch),
                    "--epochs", Integer.toString(epochs)));
            for (int port : ports) {
                command.add("127.0.0.1:" + port);
            }
            processes.add(new ProcessBuilder(command).redirectErrorStream(true).start());
        }
        List<String[]> results = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            Process process = processes.get(rank);
            String result = null;
            StringBuilder output = new StringBuilder();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.append(line).append('\n');
                    if (line.startsWith(RESULT)) {
                        result = line.substring(RESULT.length());
                    }
                }
            }
            if (process.waitFor() != 0 || result == null) {
                throw new IllegalStateException("rank " + rank + " of " + worldSize + " failed:\n" + output);
            }
            results.add(result.split(" "));
        }
        return results;
    }

    /** This JVM's class path: exec:java runs the bench in a class loader of its own. */
    private static String classPath() throws URISyntaxException {
        if (DataParallelBench.class.getClassLoader() instanceof URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (URL url : loader.getURLs()) {
                entries.add(Path.of(url.toURI()).toString());
            }
            return String.join(File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    /** One rank: {@code --rank R --batch B --epochs N host:port...}; prints its result line. */
    private static void runRank(String[] args) {
        int rank = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[3]);
        int epochs = Integer.parseInt(args[5]);
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 6; i < args.length; i++) {
            addresses.add(TcpRing.address(args[i]));
        }
        Mnist mnist = EmbeddedMnist.load();
        Tensor y = Labels.oneHot(mnist.trainLabels(), 10);
        try (TimedCommunicator ring = new TimedCommunicator(TcpRing.connect(rank, addresses, Duration.ofSeconds(60)));
             MnistMlpModel model = MnistMlpModel.create(Device.cpu(), 42)) {
            model.compile(Optimizers.rmsprop(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            double[] reducing = new double[epochs];
            Callback timing = new Callback() {
                private long before;

                @Override
                public void onEpochBegin(Training training, int epoch) {
                    before = ring.nanos;
                }

                @Override
                public void onEpochEnd(Training training, int epoch, Logs logs) {
                    reducing[epoch - 1] = (ring.nanos - before) * 1e-9;
                }
            };
            Fit options = Fit.options().batchSize(batch).epochs(epochs).verbose(0).callbacks(timing);
            if (addresses.size() > 1) { // one rank is the baseline: today's fit, without the data-parallel path
                options.dataParallel(ring);
            }
            History history = model.fit(mnist.trainImages(), y, options);
            double[] seconds = history.epochSeconds().stream().mapToDouble(Double::doubleValue).toArray();
            Evaluation held = model.evaluate(mnist.testImages(), Labels.oneHot(mnist.testLabels(), 10));
            System.out.printf(Locale.ROOT, "%s%d %.5f %.5f %.4f%n", RESULT, rank, MnistBench.medianAfterFirst(seconds),
                    MnistBench.medianAfterFirst(reducing), held.get("accuracy"));
        }
    }

    /**
     * On GPU 0: the MNIST MLP's and CNN's training step replayed as a CUDA graph, plain and with the
     * all-reduces of a world-size-1 NCCL communicator recorded into it (data-parallel fit's device
     * path: the gradient buckets and the step's results summed on the communication stream), at
     * batch 128 and 1024. A step's time is the median epoch after the first over its steps; the
     * all-reduces' cost is the difference, as a share of the plain step (the goal: under 5%).
     */
    private static void ncclGraphCost(int epochs) {
        if (epochs < 2) {
            throw new IllegalArgumentException("epochs must be at least 2: the first is warm-up");
        }
        Mnist mnist = EmbeddedMnist.load();
        Tensor y = Labels.oneHot(mnist.trainLabels(), 10);
        Tensor flat = mnist.trainImages();
        int samples = flat.samples();
        Tensor images = Tensor.of(flat.toArray(), samples, 28, 28, 1);
        System.out.printf(Locale.ROOT, "In-graph NCCL all-reduce, world size 1, GPU 0: %d digits, %d epochs, median epoch"
                + " after the first over its steps%n", samples, epochs);
        System.out.printf(Locale.ROOT, "%-10s %6s %12s %16s %10s%n", "network", "batch", "step µs", "with NCCL µs", "cost");
        try (NcclCommunicator alone = NcclCommunicator.join(NcclCommunicator.uniqueId(), 0, 1, 0, Duration.ofSeconds(60))) {
            for (int batch : new int[] {128, 1024}) {
                for (boolean cnn : new boolean[] {false, true}) {
                    Tensor x = cnn ? images : flat;
                    double plain = stepMicros(cnn, x, y, batch, epochs, null);
                    double reduced = stepMicros(cnn, x, y, batch, epochs, alone);
                    System.out.printf(Locale.ROOT, "%-10s %6d %12.1f %16.1f %9.1f%%%n", cnn ? "MNIST CNN" : "MNIST MLP", batch,
                            plain, reduced, 100 * (reduced - plain) / plain);
                }
            }
        }
    }

    /** The median step of a fit on GPU 0, in µs: data-parallel over {@code communicator} unless it is null. */
    private static double stepMicros(boolean cnn, Tensor x, Tensor y, int batch, int epochs, Communicator communicator) {
        try (Model model = cnn ? MnistCnnModel.create(Device.cuda(0), 42) : MnistMlpModel.create(Device.cuda(0), 42)) {
            model.compile(cnn ? Optimizers.adam(1e-3f) : Optimizers.rmsprop(1e-3f), Losses.categoricalCrossentropy(),
                    Metrics.accuracy());
            Fit options = Fit.options().batchSize(batch).epochs(epochs).verbose(0);
            if (communicator != null) {
                options.dataParallel(communicator);
            }
            History history = model.fit(x, y, options);
            double[] seconds = history.epochSeconds().stream().mapToDouble(Double::doubleValue).toArray();
            int steps = (x.samples() + batch - 1) / batch;
            return MnistBench.medianAfterFirst(seconds) / steps * 1e6;
        }
    }

    /** A communicator that adds up the time its all-reduces take. */
    private static final class TimedCommunicator implements Communicator {
        private final Communicator inner;
        private long nanos;

        TimedCommunicator(Communicator inner) {
            this.inner = inner;
        }

        @Override
        public int rank() {
            return inner.rank();
        }

        @Override
        public int worldSize() {
            return inner.worldSize();
        }

        @Override
        public void allReduceSum(float[] values, int offset, int length) {
            long start = System.nanoTime();
            inner.allReduceSum(values, offset, length);
            nanos += System.nanoTime() - start;
        }

        @Override
        public void allReduceSum(double[] values, int offset, int length) {
            long start = System.nanoTime();
            inner.allReduceSum(values, offset, length);
            nanos += System.nanoTime() - start;
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
