package dev.annonet.samples.bench;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.samples.mnist.EmbeddedMnist;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The MNIST benchmark: the course's MLP trained and served by annonet (fast CPU and reference
 * backends) and by PyTorch on the same IDX files, in one run on one machine, printed as one table
 * with each number's ratio to PyTorch's. PyTorch's side is scripts/pytorch/bench_mnist.py; when
 * no PyTorch is installed, the table says so and keeps annonet's rows.
 *
 * <p>The engines take turns (PyTorch, annonet, PyTorch, ...): an epoch each, then an inference
 * window and a block of single predictions each, so that both are timed in the same minutes: on
 * the shared 2-core machines this project runs on, one engine's speed drifts by ±30% within minutes.
 *
 * <pre>mvn -q package -DskipTests -Dsample=bench [-Dexec.args="--epochs 10 --data DIR"]</pre>
 */
public final class MnistBench {
    static final int BATCH = 128;
    static final String SCRIPT = "scripts/pytorch/bench_mnist.py";
    /**
     * Alternating turns per engine, each an inference window and a block of single-sample
     * predictions: the median of seven is steadier than one long window when a neighbour slows a
     * turn now and then.
     */
    private static final int TURNS = 7;
    private static final double TURN_SECONDS = 0.4;
    private static final int TURN_LATENCIES = 300;
    /**
     * Idle time before each turn, so that the other engine's threads stop spinning for work first
     * (annonet's pool spins 20 ms after a job, OpenMP's a few milliseconds).
     */
    private static final long QUIET_MILLIS = 60;

    /** One engine's numbers; latencies in microseconds. */
    record Row(String engine, double epochSeconds, double trainSamplesPerSecond, double accuracy,
               double inferenceSamplesPerSecond, double latencyMedian, double latencyP99) {
    }

    /** What one engine measured over all its turns. */
    record Measured(String engine, double[] epochSeconds, double accuracy, double[] inferenceRates, double[] latencies) {
        Row row(int trainingSamples) {
            double epoch = medianAfterFirst(epochSeconds);
            double[] sorted = latencies.clone();
            Arrays.sort(sorted);
            return new Row(engine, epoch, trainingSamples / epoch, accuracy, median(inferenceRates), median(sorted),
                    sorted[(int) (0.99 * (sorted.length - 1))]);
        }
    }

    private MnistBench() {
    }

    public static void main(String[] args) throws Exception {
        int epochs = 10;
        int referenceEpochs = 2;
        Path data = null;
        boolean pytorch = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--reference-epochs" -> referenceEpochs = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--no-pytorch" -> pytorch = false;
                default -> {
                    System.err.println("usage: MnistBench [--epochs N] [--reference-epochs N] [--data DIR] [--no-pytorch]");
                    System.exit(2);
                }
            }
        }
        Path directory = data != null ? data : extractEmbedded();
        Mnist mnist = Mnist.load(directory);
        int threads = Runtime.getRuntime().availableProcessors();

        List<Engine> engines = new ArrayList<>();
        String pytorchNote = null;
        if (pytorch) {
            try {
                engines.add(PyTorchEngine.start(directory, threads));
            } catch (IOException | IllegalStateException e) {
                pytorchNote = e.getMessage();
            }
        }
        engines.add(new AnnonetEngine("annonet cpu", Device.cpu(), mnist));
        List<Measured> measured = null;
        String failure = null;
        try {
            measured = inTurns(engines, epochs, TURNS, TURN_SECONDS, TURN_LATENCIES);
        } catch (IllegalStateException e) { // the PyTorch script stopped answering mid-run
            failure = e.getMessage();
        } finally {
            engines.forEach(Engine::close);
        }
        if (failure != null) {
            System.err.println("MnistBench: " + failure);
            if (data == null) {
                deleteDirectory(directory);
            }
            System.exit(1);
        }
        int trainingSamples = mnist.trainImages().samples();
        List<Row> rows = new ArrayList<>();
        for (Measured m : measured) {
            rows.add(m.row(trainingSamples));
        }
        // The reference backend, 100 times slower, is timed alone: its rows are not goals.
        try (Engine reference = new AnnonetEngine("annonet reference", Device.reference(), mnist)) {
            rows.add(inTurns(List.of(reference), referenceEpochs, 1, 1.0, 200).get(0).row(trainingSamples));
        }

        System.out.printf(Locale.ROOT, "%nMNIST MLP 784-512(relu)-dropout-10(softmax), RMSprop, batch %d, %d training / %d held-out digits%n",
                BATCH, mnist.trainImages().samples(), mnist.testImages().samples());
        System.out.printf(Locale.ROOT, "%s, %d cores, Java %s, %s; epoch time: median of epochs 2..N%n%n",
                LocalDate.now(), threads, System.getProperty("java.version"), System.getProperty("os.arch"));
        System.out.print(table(rows));
        if (measured.size() == 2) {
            System.out.printf(Locale.ROOT, "%nIn alternating turns: %d epochs each, then %d inference windows of %.1f s and %d single predictions each"
                    + " after an untimed one.%nannonet cpu over PyTorch, turn by turn: epoch time %s; inference rate %s%n",
                    epochs, TURNS, TURN_SECONDS, TURN_LATENCIES,
                    turnRatios(measured.get(1).epochSeconds(), measured.get(0).epochSeconds()),
                    turnRatios(measured.get(1).inferenceRates(), measured.get(0).inferenceRates()));
        }
        if (pytorchNote != null) {
            System.out.println("\nPyTorch rows left out: " + pytorchNote);
        }
        if (data == null) {
            deleteDirectory(directory);
        }
    }

    /**
     * Each engine measured in turns, engine 0, engine 1, ..., then engine 0 again, each turn after
     * a quiet pause: {@code epochs} turns of one training epoch; then the held-out accuracy; then
     * {@code turns} of an inference window and a block of single predictions. An untimed turn comes
     * before those (the JIT may still be compiling the prediction path on the second core), and a
     * latency block starts with a tenth of its predictions untimed, as a single prediction's first
     * runs after the batch loop are slower.
     */
    static List<Measured> inTurns(List<Engine> engines, int epochs, int turns, double seconds, int latencies) {
        int n = engines.size();
        double[][] epochSeconds = new double[n][epochs];
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int e = 0; e < n; e++) {
                quiet();
                epochSeconds[e][epoch] = engines.get(e).trainEpoch();
            }
        }
        double[] accuracies = new double[n];
        for (int e = 0; e < n; e++) {
            accuracies[e] = engines.get(e).accuracy();
        }
        double[][] rates = new double[n][turns];
        double[][] times = new double[n][turns * latencies];
        for (int turn = -1; turn < turns; turn++) {
            for (int e = 0; e < n; e++) {
                quiet();
                double rate = engines.get(e).inferenceRate(seconds);
                engines.get(e).latencies(latencies / 10);
                double[] block = engines.get(e).latencies(latencies);
                if (turn >= 0) {
                    rates[e][turn] = rate;
                    System.arraycopy(block, 0, times[e], turn * latencies, latencies);
                }
            }
        }
        List<Measured> result = new ArrayList<>();
        for (int e = 0; e < n; e++) {
            result.add(new Measured(engines.get(e).name(), epochSeconds[e], accuracies[e], rates[e], times[e]));
        }
        return result;
    }

    /** "1.52x 1.48x ...": each turn's number over the peer's in the same turn. */
    static String turnRatios(double[] rates, double[] peerRates) {
        StringBuilder out = new StringBuilder();
        for (int turn = 0; turn < rates.length; turn++) {
            out.append(String.format(Locale.ROOT, "%s%.2fx", turn == 0 ? "" : " ", rates[turn] / peerRates[turn]));
        }
        return out.toString();
    }

    private static void quiet() {
        try {
            Thread.sleep(QUIET_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted between turns", e);
        }
    }

    /**
     * Runs a committed PyTorch script with {@code $PYTHON}, else Debian's /usr/bin/python3, else
     * python3 on the PATH; its output, or an exception saying why it failed.
     */
    static String runPython(String script, String... arguments) throws IOException, InterruptedException {
        List<String> command = pythonCommand(script, arguments);
        String python = command.get(0);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(output.contains("No module named 'torch'")
                    ? "no PyTorch for " + python + " (Debian: apt-get install python3-torch)"
                    : "the PyTorch script failed: " + output.strip());
        }
        return output;
    }

    /** The command line running a committed script with {@code $PYTHON}, else /usr/bin/python3, else python3 on the PATH. */
    static List<String> pythonCommand(String script, String... arguments) {
        String python = System.getenv("PYTHON") != null ? System.getenv("PYTHON")
                : Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        List<String> command = new ArrayList<>(List.of(python, findScript(script).toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    static String lastLine(String output) {
        return output.strip().lines().reduce((a, b) -> b).orElse("");
    }

    static String table(List<Row> rows) {
        Row peer = rows.stream().filter(r -> r.engine().startsWith("pytorch")).findFirst().orElse(null);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-28s %9s %14s %9s %16s %12s %10s%n",
                "engine", "epoch s", "train samp/s", "accuracy", "infer samp/s@128", "latency µs", "p99 µs"));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "%-28s %9.4f %,14.0f %9.4f %,16.0f %12.1f %10.1f%n", r.engine(), r.epochSeconds(),
                    r.trainSamplesPerSecond(), r.accuracy(), r.inferenceSamplesPerSecond(), r.latencyMedian(), r.latencyP99()));
            if (peer != null && r != peer) {
                out.append(String.format(Locale.ROOT, "%-28s %8.2fx %13.2fx %9s %15.2fx %11.2fx %9.2fx%n", "  ratio to pytorch",
                        r.epochSeconds() / peer.epochSeconds(), r.trainSamplesPerSecond() / peer.trainSamplesPerSecond(), "",
                        r.inferenceSamplesPerSecond() / peer.inferenceSamplesPerSecond(),
                        r.latencyMedian() / peer.latencyMedian(), r.latencyP99() / peer.latencyP99()));
            }
        }
        return out.toString();
    }

    static double medianAfterFirst(List<Double> epochSeconds) {
        return medianAfterFirst(epochSeconds.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static double medianAfterFirst(double[] epochSeconds) {
        return median(epochSeconds.length > 1 ? Arrays.copyOfRange(epochSeconds, 1, epochSeconds.length) : epochSeconds);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static Path findScript(String script) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(script))) {
                return dir.resolve(script);
            }
        }
        throw new IllegalStateException(script + " not found above " + Path.of("").toAbsolutePath() + "; run from the repository");
    }

    static Path extractEmbedded() throws IOException {
        Path directory = Files.createTempDirectory("annonet-mnist");
        for (String name : List.of(Mnist.TRAIN_IMAGES, Mnist.TRAIN_LABELS, Mnist.TEST_IMAGES, Mnist.TEST_LABELS)) {
            try (InputStream in = EmbeddedMnist.class.getResourceAsStream("/dev/annonet/samples/mnist/" + name + ".gz")) {
                if (in == null) {
                    throw new IOException("the embedded MNIST file " + name + ".gz is missing from the samples jar");
                }
                Files.copy(in, directory.resolve(name + ".gz"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return directory;
    }

    static void deleteDirectory(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*([-0-9.eE+]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("the PyTorch script printed no " + key + ": " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    /** The numbers of a JSON array: {@code "key": [1.5, 2, ...]}. */
    static double[] numbers(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*\\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("the PyTorch script printed no " + key + ": " + json);
        }
        return Arrays.stream(m.group(1).split(",")).map(String::strip).filter(v -> !v.isEmpty())
                .mapToDouble(Double::parseDouble).toArray();
    }

    static String text(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "pytorch";
    }
}
