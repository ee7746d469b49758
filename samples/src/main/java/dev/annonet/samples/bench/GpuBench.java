package dev.annonet.samples.bench;

import dev.annonet.cuda.CudaLibrary;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizer;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.backend.Memory;
import dev.annonet.runtime.backend.Precision;
import dev.annonet.runtime.backend.cuda.CudaBackend;
import dev.annonet.runtime.backend.cuda.CudaSupport;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.samples.cnn.MnistCnnModel;
import dev.annonet.samples.lstm.MnistLstmModel;
import dev.annonet.samples.mnist.MnistMlpModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The GPU benchmark: the course's MNIST MLP, the samples' convnet and the samples' LSTM trained on
 * GPU 0 by annonet, with each step replayed as a CUDA graph (with the network's own kernels, and
 * with annonet-native's generic ones; the convnet also with its convolutions on annonet's kernels
 * instead of cuDNN, the MLP with its dense layers unfused: cuBLAS GEMMs and annonet's kernels instead
 * of cuBLASLt's fused epilogues) and with every kernel launched on its own, next to PyTorch at
 * its best for these shapes (scripts/pytorch/bench_mnist_gpu.py: eager, replaying a CUDA graph, bf16
 * autocast, and torch.compile where the installed PyTorch has it; cuDNN's autotuned algorithms,
 * channels_last for the convnet, cuDNN's LSTM), at batch 128 and 1024, on the same digits and with
 * the same loop, annonet's fit: the training set copied to the device once, a new order each epoch,
 * each batch gathered on the device and trained on; PyTorch sums the loss on the device and reads it
 * once per epoch. Each row is compared with PyTorch eager and with PyTorch's fastest row at its
 * batch size. Also the time to copy one batch from the host, which a set too big to keep on the
 * device pays per step.
 *
 * <pre>java ... dev.annonet.samples.bench.GpuBench [--epochs N] [--data DIR] [--no-pytorch] [--network mlp|cnn|lstm] [--batch N]</pre>
 * (scripts/gpu-check.sh runs it on a machine with a GPU).
 */
public final class GpuBench {
    private static final String SCRIPT = "scripts/pytorch/bench_mnist_gpu.py";
    private static final int[] BATCHES = {128, 1024};

    /** A network the bench trains: annonet's generated model and the PyTorch script's name for it. */
    enum Network {
        MLP("mlp", "MNIST MLP 784-512(relu)-dropout-10(softmax), RMSprop", new int[] {784},
                device -> MnistMlpModel.create(device, 42), () -> Optimizers.rmsprop(1e-3f)),
        CNN("cnn", "MnistCnn conv3x3(32)-maxpool-conv3x3(64)-maxpool-dropout-10(softmax), Adam", new int[] {28, 28, 1},
                device -> MnistCnnModel.create(device, 42), () -> Optimizers.adam(1e-3f)),
        LSTM("lstm", "MnistLstm LSTM(128) over 28 rows of 28 pixels-10(softmax), Adam", new int[] {28, 28},
                device -> MnistLstmModel.create(device, 42), () -> Optimizers.adam(1e-3f));

        final String script;
        final String title;
        final int[] sampleShape;
        private final Function<Device, Model> model;
        private final Supplier<Optimizer> optimizer;

        Network(String script, String title, int[] sampleShape, Function<Device, Model> model, Supplier<Optimizer> optimizer) {
            this.script = script;
            this.title = title;
            this.sampleShape = sampleShape;
            this.model = model;
            this.optimizer = optimizer;
        }

        Model create(Device device) {
            Model created = model.apply(device);
            created.compile(optimizer.get(), Losses.categoricalCrossentropy(), Metrics.accuracy());
            return created;
        }
    }

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
        List<Network> networks = List.of(Network.values());
        int[] batches = BATCHES;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                    case "--data" -> data = Path.of(args[++i]);
                    case "--no-pytorch" -> pytorch = false;
                    case "--network" -> networks = List.of(Network.valueOf(args[++i].toUpperCase(Locale.ROOT)));
                    case "--batch" -> batches = new int[] {Integer.parseInt(args[++i])};
                    default -> throw new IllegalArgumentException(args[i]);
                }
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            System.err.println("usage: GpuBench [--epochs N] [--data DIR] [--no-pytorch] [--network mlp|cnn|lstm] [--batch N]");
            System.exit(2);
        }
        String problem = CudaSupport.deviceProblem(0);
        if (problem != null) {
            System.err.println("GpuBench needs a GPU: " + problem);
            System.exit(3);
        }
        System.out.println("cuDNN: " + CudaSupport.describeCudnn());
        String ltProblem = CudaLibrary.ltLoadProblem();
        System.out.println("cuBLASLt: " + (ltProblem.isEmpty() ? "loads: dense layers run as GEMMs with fused epilogues" : ltProblem));
        Path directory = data != null ? data : MnistBench.extractEmbedded();
        Mnist mnist = Mnist.load(directory);

        for (Network network : networks) {
            List<Row> rows = new ArrayList<>();
            for (int batch : batches) {
                rows.add(new Row(batch, "annonet, step as CUDA graph", stepMicros(network, Device.cuda(0), mnist, batch, epochs)));
                rows.add(new Row(batch, "annonet, graph, generic kernels",
                        stepMicros(network, Device.cuda(0).withGenericKernels(), mnist, batch, epochs)));
                rows.add(new Row(batch, "annonet, kernel by kernel",
                        stepMicros(network, Device.cuda(0).withoutStepGraphs(), mnist, batch, epochs)));
                if (network == Network.MLP) {
                    rows.add(new Row(batch, "annonet, graph, no fused epilogues",
                            stepMicros(network, Device.cuda(0).withoutFusedEpilogues(), mnist, batch, epochs)));
                }
                if (network == Network.CNN) { // its convolutions on cuDNN above (where it loads), on annonet's kernels here
                    rows.add(new Row(batch, "annonet, graph, own convolutions",
                            stepMicros(network, Device.cuda(0).withoutCudnn(), mnist, batch, epochs)));
                }
                if (network != Network.LSTM) { // issue 19: the mixed-precision GEMMs beside PyTorch's bf16 autocast
                    for (Precision precision : List.of(Precision.MIXED_BFLOAT16, Precision.MIXED_FLOAT16)) {
                        rows.add(new Row(batch, "annonet, graph, " + precision,
                                stepMicros(network, Device.cuda(0).withPrecision(precision), mnist, batch, epochs)));
                    }
                }
            }
            PyTorchRun peer = pytorch ? PyTorchRun.of(network, directory, epochs, batches) : null;
            if (peer != null) {
                rows.addAll(peer.rows());
            }
            System.out.printf(Locale.ROOT, "%n%s, float32 unless a row says otherwise, %d training digits; %s%n", network.title,
                    mnist.trainImages().samples(), LocalDate.now());
            System.out.printf(Locale.ROOT, "GPU: %s%s; step time: median over epochs 2..%d of an epoch's mean step; PyTorch reads its loss once per epoch%n%n",
                    CudaSupport.describe(0), peer == null || peer.engine() == null ? "" : "; " + peer.engine(), epochs);
            System.out.print(table(rows, batches));
            if (peer != null && peer.note() != null) {
                System.out.println(peer.note());
            }
            if (network == Network.MLP) {
                System.out.println();
                for (int batch : batches) {
                    System.out.printf(Locale.ROOT, "host→device copy of one batch of %d: annonet %.1f µs (from a Java array, through pinned staging)%s%n",
                            batch, copyMicros(batch), peer != null && peer.copyMicros().containsKey(batch)
                                    ? String.format(Locale.ROOT, ", pytorch %.1f µs (from a pinned tensor)", peer.copyMicros().get(batch)) : "");
                }
            }
        }
        if (data == null) {
            MnistBench.deleteDirectory(directory);
        }
    }

    /** What the PyTorch script measured for one network, and why each mode it left out did not run. */
    record PyTorchRun(List<Row> rows, String engine, Map<Integer, Double> copyMicros, String note) {
        static PyTorchRun of(Network network, Path directory, int epochs, int[] batches) throws InterruptedException {
            try {
                return parse(MnistBench.runPython(SCRIPT, directory.toString(), "--model", network.script, "--epochs",
                        String.valueOf(epochs), "--batches", Arrays.stream(batches).mapToObj(String::valueOf).collect(Collectors.joining(","))),
                        batches);
            } catch (IOException | IllegalStateException e) {
                return new PyTorchRun(List.of(), null, Map.of(), "PyTorch rows left out: " + e.getMessage());
            }
        }

        /** The script's output: a line per mode and batch (a row, or an error), then the summary line. */
        static PyTorchRun parse(String output, int[] batches) {
            List<Row> rows = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (String line : output.strip().split("\n")) {
                if (line.contains("\"step_us\"") && !line.contains("\"results\"")) {
                    rows.add(new Row((int) MnistBench.number(line, "batch"), "pytorch " + MnistBench.text(line, "mode"),
                            MnistBench.number(line, "step_us")));
                } else if (line.contains("\"error\"")) {
                    notes.add("pytorch " + MnistBench.text(line, "mode") + " at batch " + (int) MnistBench.number(line, "batch")
                            + " left out: " + MnistBench.text(line, "error"));
                }
            }
            String last = MnistBench.lastLine(output);
            Map<Integer, Double> copies = new LinkedHashMap<>();
            for (int batch : batches) {
                Matcher m = Pattern.compile("\"" + batch + "\":\\s*([-0-9.eE+]+)").matcher(last);
                if (m.find()) {
                    copies.put(batch, Double.parseDouble(m.group(1)));
                }
            }
            return new PyTorchRun(rows, MnistBench.text(last, "engine"), copies, notes.isEmpty() ? null : String.join("\n", notes));
        }
    }

    /** The mean step time of the median epoch after the first, over whole batches only. */
    static double stepMicros(Network network, Device device, Mnist mnist, int batch, int epochs) {
        int samples = mnist.trainImages().samples() / batch * batch;
        float[] images = Arrays.copyOf(mnist.trainImages().toArray(), samples * 784);
        int[] shape = new int[network.sampleShape.length + 1];
        shape[0] = samples;
        System.arraycopy(network.sampleShape, 0, shape, 1, network.sampleShape.length);
        Tensor x = Tensor.of(images, shape);
        Tensor y = Labels.oneHot(Arrays.copyOf(mnist.trainLabels(), samples), 10);
        try (Model model = network.create(device)) {
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

    static String table(List<Row> rows, int[] batches) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%6s  %-30s %10s %13s %16s %16s%n",
                "batch", "engine", "step µs", "samples/s", "vs pytorch eager", "vs pytorch best"));
        for (int batch : batches) {
            Row eager = find(rows, batch, "pytorch eager");
            Row best = rows.stream().filter(r -> r.batch() == batch && r.engine().startsWith("pytorch "))
                    .min(Comparator.comparingDouble(Row::stepMicros)).orElse(null);
            for (Row r : rows) {
                if (r.batch() != batch) {
                    continue;
                }
                out.append(String.format(Locale.ROOT, "%6d  %-30s %10.1f %,13.0f %16s %16s%n", batch, r.engine(), r.stepMicros(),
                        r.samplesPerSecond(), speedup(eager, r), speedup(best, r)));
            }
            if (best != null) {
                out.append(String.format(Locale.ROOT, "%6d  pytorch best: %s%n", batch, best.engine()));
            }
        }
        return out.toString();
    }

    /** How many times faster (or slower) {@code row} is than {@code peer}. */
    private static String speedup(Row peer, Row row) {
        if (peer == null || peer == row) {
            return "";
        }
        double ratio = peer.stepMicros() / row.stepMicros();
        return ratio >= 1 ? String.format(Locale.ROOT, "%.2fx faster", ratio) : String.format(Locale.ROOT, "%.2fx slower", 1 / ratio);
    }

    private static Row find(List<Row> rows, int batch, String engine) {
        return rows.stream().filter(r -> r.batch() == batch && r.engine().equals(engine)).findFirst().orElse(null);
    }
}
