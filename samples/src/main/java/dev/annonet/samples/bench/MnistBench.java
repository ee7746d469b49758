package dev.annonet.samples.bench;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.samples.mnist.EmbeddedMnist;
import dev.annonet.samples.mnist.MnistMlpModel;
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
 * <pre>mvn -q package -DskipTests -Dsample=bench [-Dexec.args="--epochs 10 --data DIR"]</pre>
 */
public final class MnistBench {
    private static final int BATCH = 128;
    private static final String SCRIPT = "scripts/pytorch/bench_mnist.py";

    /** One engine's numbers; latencies in microseconds. */
    record Row(String engine, double epochSeconds, double trainSamplesPerSecond, double accuracy,
               double inferenceSamplesPerSecond, double latencyMedian, double latencyP99) {
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

        List<Row> rows = new ArrayList<>();
        String pytorchNote = null;
        if (pytorch) {
            try {
                rows.add(runPyTorch(directory, epochs, threads));
            } catch (IOException | IllegalStateException e) {
                pytorchNote = e.getMessage();
            }
        }
        rows.add(runAnnonet("annonet cpu", Device.cpu(), mnist, epochs, 2.0, 2000));
        rows.add(runAnnonet("annonet reference", Device.reference(), mnist, referenceEpochs, 1.0, 200));

        System.out.printf(Locale.ROOT, "%nMNIST MLP 784-512(relu)-dropout-10(softmax), RMSprop, batch %d, %d training / %d held-out digits%n",
                BATCH, mnist.trainImages().samples(), mnist.testImages().samples());
        System.out.printf(Locale.ROOT, "%s, %d cores, Java %s, %s; epoch time: median of epochs 2..N%n%n",
                LocalDate.now(), threads, System.getProperty("java.version"), System.getProperty("os.arch"));
        System.out.print(table(rows));
        if (pytorchNote != null) {
            System.out.println("\nPyTorch rows left out: " + pytorchNote);
        }
        if (data == null) {
            deleteDirectory(directory);
        }
    }

    static Row runAnnonet(String engine, Device device, Mnist mnist, int epochs, double inferenceSeconds, int latencySamples) {
        Tensor yTrain = Labels.oneHot(mnist.trainLabels(), 10);
        Tensor yTest = Labels.oneHot(mnist.testLabels(), 10);
        try (MnistMlpModel model = MnistMlpModel.create(device, 42)) {
            model.compile(Optimizers.rmsprop(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            History history = model.fit(mnist.trainImages(), yTrain, Fit.options().batchSize(BATCH).epochs(epochs).verbose(0));
            double epochSeconds = medianAfterFirst(history.epochSeconds());
            double accuracy = model.evaluate(mnist.testImages(), yTest).get("accuracy");

            float[] all = mnist.testImages().toArray();
            Tensor batch = Tensor.of(Arrays.copyOf(all, BATCH * 784), BATCH, 784);
            for (int i = 0; i < 20; i++) {
                model.predict(batch, BATCH);
            }
            long rounds = 0;
            long start = System.nanoTime();
            long deadline = start + (long) (inferenceSeconds * 1e9);
            long now;
            do {
                model.predict(batch, BATCH);
                rounds++;
                now = System.nanoTime();
            } while (now < deadline);
            double inference = rounds * BATCH / ((now - start) * 1e-9);

            int samples = mnist.testImages().samples();
            float[][] images = new float[samples][];
            for (int i = 0; i < samples; i++) {
                images[i] = Arrays.copyOfRange(all, i * 784, (i + 1) * 784);
            }
            double[] latencies = new double[latencySamples];
            for (int i = -latencySamples / 10; i < latencySamples; i++) {
                float[] image = images[Math.floorMod(i, samples)];
                long t0 = System.nanoTime();
                model.predict(image);
                if (i >= 0) {
                    latencies[i] = (System.nanoTime() - t0) / 1e3;
                }
            }
            Arrays.sort(latencies);
            return new Row(engine, epochSeconds, mnist.trainImages().samples() / epochSeconds, accuracy, inference,
                    latencies[latencies.length / 2], latencies[(int) (0.99 * (latencies.length - 1))]);
        }
    }

    static Row runPyTorch(Path data, int epochs, int threads) throws IOException, InterruptedException {
        String output = runPython(SCRIPT, data.toString(), "--epochs", String.valueOf(epochs),
                "--threads", String.valueOf(threads));
        String json = lastLine(output);
        return new Row(text(json, "engine") + " (" + (int) number(json, "threads") + " threads)", number(json, "epoch_seconds"),
                number(json, "train_samples_per_second"), number(json, "accuracy"),
                number(json, "inference_samples_per_second"), number(json, "latency_median_us"), number(json, "latency_p99_us"));
    }

    /**
     * Runs a committed PyTorch script with {@code $PYTHON}, else Debian's /usr/bin/python3, else
     * python3 on the PATH; its output, or an exception saying why it failed.
     */
    static String runPython(String script, String... arguments) throws IOException, InterruptedException {
        String python = System.getenv("PYTHON") != null ? System.getenv("PYTHON")
                : Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        List<String> command = new ArrayList<>(List.of(python, findScript(script).toString()));
        command.addAll(List.of(arguments));
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
        List<Double> steady = epochSeconds.size() > 1 ? epochSeconds.subList(1, epochSeconds.size()) : epochSeconds;
        double[] sorted = steady.stream().mapToDouble(Double::doubleValue).sorted().toArray();
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

    static String text(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "pytorch";
    }
}
