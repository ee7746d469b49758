package dev.annonet.samples.bench;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.cuda.CudaBackend;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.samples.mnist.MnistMlpModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPU benchmark: the course's MNIST MLP trained on GPU 0 by annonet, with each step replayed
 * as a CUDA graph and with every kernel launched on its own, next to PyTorch eager and PyTorch
 * replaying a CUDA graph (scripts/pytorch/bench_mnist_gpu.py), at batch 128 and 1024, on the same
 * digits and with the same loop, annonet's fit: the training set copied to the device once, a new
 * order each epoch, each batch gathered on the device, trained on, and its loss read back. Also
 * the time to copy one batch from the host, which a set too big to keep on the device pays per step.
 *
 * <pre>java ... dev.annonet.samples.bench.GpuBench [--epochs N] [--data DIR] [--no-pytorch]</pre>
 * (scripts/gpu-check.sh runs it on a machine with a GPU).
 */
public final class GpuBench {
    private static final String SCRIPT = "scripts/pytorch/bench_mnist_gpu.py";
    private static final int[] BATCHES = {128, 1024};

    /** One engine at one batch size. */
    record Row(int batch, String engine, double stepMicros) {
        double samplesPerSecond() {
            return batch * 1e6 / stepMicros;
        }
    }

    private GpuBench() {
    }

    public static void main(String[] args) throws Exception {
        int epochs = 10;
        Path data = null;
        boolean pytorch = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--no-pytorch" -> pytorch = false;
                default -> {
                    System.err.println("usage: GpuBench [--epochs N] [--data DIR] [--no-pytorch]");
                    System.exit(2);
                }
            }
        }
        String problem = CudaBackend.deviceProblem(0);
        if (problem != null) {
            System.err.println("GpuBench needs a GPU: " + problem);
            System.exit(3);
        }
        Path directory = data != null ? data : MnistBench.extractEmbedded();
        Mnist mnist = Mnist.load(directory);

        List<Row> rows = new ArrayList<>();
        Map<Integer, Double> annonetCopy = new LinkedHashMap<>();
        for (int batch : BATCHES) {
            rows.add(new Row(batch, "annonet, step as CUDA graph", stepMicros(Device.cuda(0), mnist, batch, epochs)));
            rows.add(new Row(batch, "annonet, kernel by kernel", stepMicros(Device.cuda(0).withoutStepGraphs(), mnist, batch, epochs)));
            annonetCopy.put(batch, copyMicros(batch));
        }
        String pytorchEngine = null;
        Map<Integer, Double> pytorchCopy = new LinkedHashMap<>();
        String pytorchNote = null;
        if (pytorch) {
            try {
                String output = MnistBench.runPython(SCRIPT, directory.toString(), "--epochs", String.valueOf(epochs),
                        "--batches", "128,1024");
                for (String line : output.strip().split("\n")) {
                    if (line.contains("\"step_us\"") && !line.contains("\"results\"")) {
                        rows.add(new Row((int) MnistBench.number(line, "batch"), "pytorch " + MnistBench.text(line, "mode"),
                                MnistBench.number(line, "step_us")));
                    } else if (line.contains("\"error\"")) {
                        pytorchNote = "pytorch " + MnistBench.text(line, "mode") + " at batch "
                                + (int) MnistBench.number(line, "batch") + " failed: " + MnistBench.text(line, "error");
                    }
                }
                String last = MnistBench.lastLine(output);
                pytorchEngine = MnistBench.text(last, "engine");
                for (int batch : BATCHES) {
                    Matcher m = Pattern.compile("\"" + batch + "\":\\s*([-0-9.eE+]+)").matcher(last);
                    if (m.find()) {
                        pytorchCopy.put(batch, Double.parseDouble(m.group(1)));
                    }
                }
            } catch (IOException | IllegalStateException e) {
                pytorchNote = "PyTorch rows left out: " + e.getMessage();
            }
        }

        System.out.printf(Locale.ROOT, "%nMNIST MLP 784-512(relu)-dropout-10(softmax), RMSprop, float32, %d training digits; %s%n",
                mnist.trainImages().samples(), LocalDate.now());
        System.out.printf(Locale.ROOT, "GPU: %s%s; step time: median over epochs 2..%d of an epoch's mean step, loss read back each step%n%n",
                CudaBackend.describe(0), pytorchEngine == null ? "" : "; " + pytorchEngine, epochs);
        System.out.print(table(rows));
        System.out.println();
        for (int batch : BATCHES) {
            System.out.printf(Locale.ROOT, "host→device copy of one batch of %d: annonet %.1f µs (from a Java array, through pinned staging)%s%n",
                    batch, annonetCopy.get(batch), pytorchCopy.containsKey(batch)
                            ? String.format(Locale.ROOT, ", pytorch %.1f µs (from a pinned tensor)", pytorchCopy.get(batch)) : "");
        }
        if (pytorchNote != null) {
            System.out.println(pytorchNote);
        }
        if (data == null) {
            MnistBench.deleteDirectory(directory);
        }
    }

    /** The mean step time of the median epoch after the first, over whole batches only. */
    static double stepMicros(Device device, Mnist mnist, int batch, int epochs) {
        int samples = mnist.trainImages().samples() / batch * batch;
        float[] images = Arrays.copyOf(mnist.trainImages().toArray(), samples * 784);
        Tensor x = Tensor.of(images, samples, 784);
        Tensor y = Labels.oneHot(Arrays.copyOf(mnist.trainLabels(), samples), 10);
        try (MnistMlpModel model = MnistMlpModel.create(device, 42)) {
            model.compile(Optimizers.rmsprop(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            History history = model.fit(x, y, Fit.options().batchSize(batch).epochs(epochs).verbose(0));
            return MnistBench.medianAfterFirst(history.epochSeconds()) / (samples / batch) * 1e6;
        }
    }

    /**
     * One batch of images from a Java array to the device, waited for: copied into a pinned buffer,
     * then by DMA. PyTorch's figure starts from a tensor already in pinned memory, so it leaves out
     * the first copy, which a Java array always needs.
     */
    static double copyMicros(int batch) {
        try (CudaBackend gpu = CudaBackend.onDevice(0, false, false)) {
            Memory memory = gpu.allocate(batch * 784);
            float[] values = new float[batch * 784];
            int rounds = 200;
            long start = 0;
            for (int i = -20; i < rounds; i++) {
                if (i == 0) {
                    start = System.nanoTime();
                }
                gpu.upload(values, 0, memory, 0, values.length);
                gpu.synchronize();
            }
            return (System.nanoTime() - start) / 1e3 / rounds;
        }
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%6s  %-30s %10s %13s %16s %16s%n",
                "batch", "engine", "step µs", "samples/s", "vs pytorch eager", "vs pytorch graph"));
        for (int batch : BATCHES) {
            Row eager = find(rows, batch, "pytorch eager");
            Row graph = find(rows, batch, "pytorch cuda graph");
            for (Row r : rows) {
                if (r.batch() != batch) {
                    continue;
                }
                out.append(String.format(Locale.ROOT, "%6d  %-30s %10.1f %,13.0f %16s %16s%n", batch, r.engine(), r.stepMicros(),
                        r.samplesPerSecond(), speedup(eager, r), speedup(graph, r)));
            }
        }
        return out.toString();
    }

    /** How many times faster {@code row} is than {@code peer}. */
    private static String speedup(Row peer, Row row) {
        return peer == null || peer == row ? "" : String.format(Locale.ROOT, "%.2fx faster", peer.stepMicros() / row.stepMicros());
    }

    private static Row find(List<Row> rows, int batch, String engine) {
        return rows.stream().filter(r -> r.batch() == batch && r.engine().equals(engine)).findFirst().orElse(null);
    }
}
