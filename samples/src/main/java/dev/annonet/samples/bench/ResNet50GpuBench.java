package dev.annonet.samples.bench;

import dev.annonet.applications.ResNet50Model;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.ResourceExhaustedException;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.backend.Precision;
import dev.annonet.runtime.backend.cuda.CudaSupport;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Issue 19's ResNet50 race: Keras's ResNet50 (the applications module, random weights, 1000
 * classes) on GPU 0 in float32, TF32 and mixed bfloat16, against torchvision's resnet50 in the
 * GPU bench's fair PyTorch loop (scripts/pytorch/bench_mnist_gpu.py --model resnet50: eager, TF32,
 * AMP bf16, CUDA graph, compile; channels_last), on random 224×224×3 images and labels. Both sides
 * train with SGD (learning rate 0.01, momentum 0.9) the same loop: the random training set on the
 * device, a new order each epoch, the loss read back once per epoch; training images/s is the
 * median epoch after the first. Inference as a user times it: batch-1 latency (the median call,
 * each from host memory to the probabilities back on the host, so synchronized per call) and batch-64
 * throughput (the same calls for a few seconds). The ratio columns compare each row with PyTorch's
 * AMP (bf16 autocast, channels_last), the goal's yardstick.
 *
 * <p>A training batch that does not fit (one buffer of the CUDA backend holds 2^31 values, and
 * ResNet50 trains with about 39 million activation values a sample) is said so under the table,
 * with the error's words, and the row is measured at the largest batch that fits, labelled so.
 *
 * <pre>java ... dev.annonet.samples.bench.ResNet50GpuBench [--device cuda|cpu] [--batch 128] [--steps 8] [--epochs 3]
 *     [--infer-batch 64] [--latency-calls 50] [--seconds 3] [--rows float32,tf32,mixed_bfloat16]
 *     [--no-pytorch | --pytorch-modes eager,eager tf32,eager bf16,cuda graph,compile]</pre>
 * (scripts/gpu-check.sh --bench runs it after the MNIST tables; {@code --device cpu} runs the same
 * code on the CPU backend, where the GPU rows say why they cannot run.)
 */
public final class ResNet50GpuBench {
    private static final String SCRIPT = "scripts/pytorch/bench_mnist_gpu.py";
    private static final int SIDE = 224;
    private static final int CLASSES = 1000;
    /** PyTorch's mode the ratios compare with: bf16 autocast, channels_last (the script runs every mode so). */
    static final String REFERENCE = "pytorch eager bf16";

    /** annonet's rows: a name and how it sets up the device. */
    static final Map<String, UnaryOperator<Device>> ANNONET_ROWS = new LinkedHashMap<>();

    static {
        ANNONET_ROWS.put("float32", device -> device);
        ANNONET_ROWS.put("tf32", Device::withTf32);
        ANNONET_ROWS.put("mixed_bfloat16", device -> device.withPrecision(Precision.MIXED_BFLOAT16));
    }

    /** What one run measures, and where. */
    record Settings(String device, int batch, int steps, int epochs, int inferBatch, int latencyCalls, double seconds,
                    List<String> rows, String pytorchModes) {
        static Settings defaults() {
            return new Settings("cuda", 128, 8, 3, 64, 50, 3, List.copyOf(ANNONET_ROWS.keySet()),
                    "eager,eager tf32,eager bf16,cuda graph,compile");
        }
    }

    /**
     * One engine's numbers: training images/s at {@code trainBatch}, batch-1 latency in ms, and
     * images/s of predictions at {@code inferBatch}; {@code failure} says why a row did not run (its
     * numbers are then NaN), {@code note} why it trained at a smaller batch than asked.
     */
    record Row(String engine, int trainBatch, double trainImagesPerSecond, double inferMillisAt1, int inferBatch,
               double inferImagesPerSecond, String note, String failure) {
        static Row failed(String engine, String failure) {
            return new Row(engine, 0, Double.NaN, Double.NaN, 0, Double.NaN, null, failure);
        }
    }

    private ResNet50GpuBench() {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            System.err.println("ResNet50GpuBench: " + e.getMessage() + "\nusage: ResNet50GpuBench [--device cuda|cpu] [--batch 128]"
                    + " [--steps 8] [--epochs 3] [--infer-batch 64] [--latency-calls 50] [--seconds 3]"
                    + " [--rows float32,tf32,mixed_bfloat16] [--no-pytorch | --pytorch-modes eager,eager tf32,eager bf16,cuda graph,compile]");
            System.exit(2);
            return;
        }
        if (settings.device().equals("cuda")) {
            String problem = CudaSupport.deviceProblem(0);
            if (problem != null) {
                System.err.println("ResNet50GpuBench needs a GPU: " + problem);
                System.exit(3);
            }
            System.out.println("cuDNN: " + CudaSupport.describeCudnn());
        }
        System.out.print(run(settings, System.out::println));
    }

    static Settings parse(String[] args) {
        Settings s = Settings.defaults();
        String device = s.device();
        int batch = s.batch();
        int steps = s.steps();
        int epochs = s.epochs();
        int inferBatch = s.inferBatch();
        int latencyCalls = s.latencyCalls();
        double seconds = s.seconds();
        List<String> rows = s.rows();
        String pytorchModes = s.pytorchModes();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> device = args[++i];
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--infer-batch" -> inferBatch = Integer.parseInt(args[++i]);
                case "--latency-calls" -> latencyCalls = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--rows" -> rows = List.of(args[++i].split(","));
                case "--no-pytorch" -> pytorchModes = null;
                case "--pytorch-modes" -> pytorchModes = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!device.equals("cuda") && !device.equals("cpu")) {
            throw new IllegalArgumentException("--device: cuda or cpu, not " + device);
        }
        if (Math.min(Math.min(batch, steps), Math.min(Math.min(epochs, inferBatch), latencyCalls)) <= 0 || !(seconds > 0)) {
            throw new IllegalArgumentException("sizes, counts and seconds must be positive: " + String.join(" ", args));
        }
        for (String row : rows) {
            if (!ANNONET_ROWS.containsKey(row)) {
                throw new IllegalArgumentException("--rows: unknown " + row + "; known: " + String.join(",", ANNONET_ROWS.keySet()));
            }
        }
        return new Settings(device, batch, steps, epochs, inferBatch, latencyCalls, seconds, rows, pytorchModes);
    }

    /**
     * Every row's measurements, then PyTorch's, as one table with its heading and notes; {@code
     * progress} gets a line as each row is measured, so that a run cut short by gpu-check's time
     * limit still shows the rows it finished. PyTorch runs each mode in a process of its own: a
     * mode that fails (a capture error can poison a CUDA context) or hangs in compilation costs
     * only its own row.
     */
    static String run(Settings settings, Consumer<String> progress) throws InterruptedException {
        List<Row> rows = new ArrayList<>();
        for (String name : settings.rows()) {
            rows.add(annonet("annonet " + name, () -> ANNONET_ROWS.get(name)
                    .apply(settings.device().equals("cuda") ? Device.cuda(0) : Device.cpu()), settings));
            progress.accept(describe(rows.get(rows.size() - 1)));
        }
        String engine = null;
        for (String mode : settings.pytorchModes() == null ? new String[0] : settings.pytorchModes().split(",")) {
            try {
                String output = MnistBench.runPython(SCRIPT, "--model", "resnet50", "--device", settings.device(),
                        "--batches", String.valueOf(settings.batch()), "--steps", String.valueOf(settings.steps()),
                        "--epochs", String.valueOf(settings.epochs()), "--infer-batch", String.valueOf(settings.inferBatch()),
                        "--latency-calls", String.valueOf(settings.latencyCalls()),
                        "--seconds", String.valueOf(settings.seconds()), "--modes", mode);
                rows.addAll(parsePyTorch(output));
                engine = MnistBench.text(MnistBench.lastLine(output), "engine");
            } catch (IOException | IllegalStateException e) {
                rows.add(Row.failed("pytorch " + mode, MnistBench.lastLine(String.valueOf(e.getMessage()))));
            }
            progress.accept(describe(rows.get(rows.size() - 1)));
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%nResNet50 (Keras's v1; PyTorch: torchvision's v1.5), 224x224x3 random images and labels, SGD momentum 0.9; %s%n",
                LocalDate.now()));
        out.append(String.format(Locale.ROOT, "device: %s%s%n", settings.device().equals("cuda") ? CudaSupport.describe(0) : "cpu",
                engine == null ? "" : "; " + engine));
        out.append(String.format(Locale.ROOT, "training: median epoch after the first of %d, %d steps each; inference: from host"
                + " memory to probabilities on the host, synchronized per call (batch 1: median of %d calls; batch %d: calls for"
                + " %.2f s); PyTorch: channels_last in every mode, eager bf16 = AMP (bf16 autocast), the ratios' reference%n%n",
                settings.epochs(), settings.steps(), settings.latencyCalls(), settings.inferBatch(), settings.seconds()));
        out.append(table(rows, settings.batch(), settings.inferBatch()));
        return out.toString();
    }

    /** One row as a line of progress. */
    static String describe(Row row) {
        return row.failure() != null ? String.format(Locale.ROOT, "ResNet50GpuBench: %s: not run: %s", row.engine(), row.failure())
                : String.format(Locale.ROOT, "ResNet50GpuBench: %s: training %,.1f images/s at batch %d, %.2f ms at batch 1,"
                        + " %,.1f images/s at batch %d", row.engine(), row.trainImagesPerSecond(), row.trainBatch(),
                        row.inferMillisAt1(), row.inferImagesPerSecond(), row.inferBatch());
    }

    /**
     * annonet's row: training at the settings' batch (or the largest that fits), then inference, on
     * one model. {@code device} is asked for inside the row, as it may refuse the row's setting (TF32 on the CPU).
     */
    static Row annonet(String engine, Supplier<Device> device, Settings settings) {
        try (Model model = ResNet50Model.create(device.get(), 42)) {
            model.compile(Optimizers.sgd(0.01f, 0.9f, false), Losses.categoricalCrossentropy());
            int batch = settings.batch();
            String note = null;
            double trainRate;
            try {
                trainRate = trainImagesPerSecond(model, batch, settings.steps(), settings.epochs());
            } catch (ResourceExhaustedException e) {
                int fits = largestFitting(batch, b -> trains(model, b));
                if (fits == 0) {
                    throw e;
                }
                note = "batch " + batch + " does not fit: " + e.getMessage();
                batch = fits;
                trainRate = trainImagesPerSecond(model, batch, settings.steps(), settings.epochs());
            }
            Tensor one = randomImages(1, 3);
            Tensor many = randomImages(settings.inferBatch(), 5);
            double latency = latencyMillis(model, one, settings.latencyCalls());
            model.predict(many, settings.inferBatch()); // the arena sized for this batch
            double inferRate = PredictRate.samplesPerSecond(model, many, settings.inferBatch(), settings.seconds());
            return new Row(engine, batch, trainRate, latency, settings.inferBatch(), inferRate, note, null);
        } catch (RuntimeException e) {
            return Row.failed(engine, e.getMessage() != null ? e.getMessage() : e.toString());
        }
    }

    /**
     * The largest batch below {@code tooLarge} for which {@code fits} holds, or 0: a binary search, as
     * a batch fits whenever a larger one does.
     */
    static int largestFitting(int tooLarge, IntPredicate fits) {
        int fitting = 0;
        int failing = tooLarge;
        while (failing - fitting > 1) {
            int middle = fitting + (failing - fitting) / 2;
            if (fits.test(middle)) {
                fitting = middle;
            } else {
                failing = middle;
            }
        }
        return fitting;
    }

    /** Whether one training step at {@code batch} runs: its memory is checked before any is allocated. */
    private static boolean trains(Model model, int batch) {
        try {
            model.fit(randomImages(batch, 1), randomLabels(batch, 2), Fit.options().batchSize(batch).epochs(1).verbose(0));
            return true;
        } catch (ResourceExhaustedException e) {
            return false;
        }
    }

    /** Training images per second at {@code batch}: the median epoch after the first, over {@code steps} steps each. */
    static double trainImagesPerSecond(Model model, int batch, int steps, int epochs) {
        int samples = batch * steps;
        History history = model.fit(randomImages(samples, 42), randomLabels(samples, 43),
                Fit.options().batchSize(batch).epochs(epochs).verbose(0));
        return batch * steps / MnistBench.medianAfterFirst(history.epochSeconds());
    }

    /** The median of {@code calls} single-image predictions, in milliseconds, after three untimed ones. */
    static double latencyMillis(Model model, Tensor image, int calls) {
        for (int i = 0; i < 3; i++) {
            model.predict(image, 1);
        }
        double[] millis = new double[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            model.predict(image, 1);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return MnistBench.median(millis);
    }

    private static Tensor randomImages(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.multiplyExact(count, SIDE * SIDE * 3)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble();
        }
        return Tensor.of(values, count, SIDE, SIDE, 3);
    }

    private static Tensor randomLabels(int count, long seed) {
        return Labels.oneHot(new SplittableRandom(seed).ints(count, 0, CLASSES).toArray(), CLASSES);
    }

    /** The script's output: a line per mode, its numbers or the reason it could not run, then the engine line. */
    static List<Row> parsePyTorch(String output) {
        List<Row> rows = new ArrayList<>();
        for (String line : output.strip().split("\n")) {
            if (!line.contains("\"mode\"")) {
                continue;
            }
            String engine = "pytorch " + MnistBench.text(line, "mode");
            rows.add(line.contains("\"error\"") ? Row.failed(engine, MnistBench.text(line, "error"))
                    : new Row(engine, (int) MnistBench.number(line, "train_batch"), MnistBench.number(line, "train_images_per_second"),
                            MnistBench.number(line, "infer_ms_at_1"), (int) MnistBench.number(line, "infer_batch"),
                            MnistBench.number(line, "infer_images_per_second"), null, null));
        }
        return rows;
    }

    /**
     * The rows as a Markdown table with ratios to PyTorch's AMP row (higher is better in each:
     * images/s over its images/s, its latency over the row's), then a note per row that trained at
     * a smaller batch or did not run.
     */
    static String table(List<Row> rows, int batch, int inferBatch) {
        Row reference = rows.stream().filter(r -> r.engine().equals(REFERENCE) && r.failure() == null).findFirst().orElse(null);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "| engine | train img/s @%d | infer ms @1 | infer img/s @%d | train vs AMP | latency vs AMP | infer vs AMP |%n"
                        + "|---|---:|---:|---:|---:|---:|---:|%n", batch, inferBatch));
        List<String> notes = new ArrayList<>();
        for (Row r : rows) {
            if (r.failure() != null) {
                out.append(String.format(Locale.ROOT, "| %s | not run [%d] | | | | | |%n", r.engine(), notes.size() + 1));
                notes.add(r.failure());
                continue;
            }
            String trained = String.format(Locale.ROOT, "%,.1f", r.trainImagesPerSecond());
            if (r.note() != null) {
                trained += String.format(Locale.ROOT, " at batch %d [%d]", r.trainBatch(), notes.size() + 1);
                notes.add(r.note());
            }
            boolean self = r == reference || reference == null;
            out.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %,.1f | %s | %s | %s |%n", r.engine(), trained,
                    r.inferMillisAt1(), r.inferImagesPerSecond(),
                    self ? "" : ratio(r.trainImagesPerSecond() / reference.trainImagesPerSecond()),
                    self ? "" : ratio(reference.inferMillisAt1() / r.inferMillisAt1()),
                    self ? "" : ratio(r.inferImagesPerSecond() / reference.inferImagesPerSecond())));
        }
        if (reference == null) {
            notes.add("no ratios: PyTorch's AMP row (" + REFERENCE + ") did not run");
        }
        for (int i = 0; i < notes.size(); i++) {
            out.append(String.format(Locale.ROOT, "%n[%d] %s", i + 1, notes.get(i)));
        }
        return out.append(notes.isEmpty() ? "" : "\n").toString();
    }

    private static String ratio(double times) {
        return String.format(Locale.ROOT, "%.2fx", times);
    }
}
