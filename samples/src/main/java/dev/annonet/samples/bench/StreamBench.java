package dev.annonet.samples.bench;

import static dev.annonet.samples.bench.MnistBench.BATCH;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.data.Idx;
import dev.annonet.runtime.data.IdxDataset;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.samples.mnist.MnistMlpModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Streaming's cost: the course's MLP trained an epoch at a time from in-memory tensors and from
 * the same digits streamed from uncompressed IDX files ({@link IdxDataset}, read a batch ahead on
 * a background thread), the two taking turns so both see the same minutes of a shared machine.
 * Prints the median epoch (the first of each left out: warm-up) and streaming's ratio to memory.
 * The time is fit's whole call, the reader thread's start and end included.
 *
 * <pre>mvn -q package -DskipTests -Dsample=streambench [-Dexec.args="--epochs 8 --data DIR --device cpu"]</pre>
 *
 * {@code --device cuda} streams each batch's copy beside the step before it (the copy stream);
 * {@code cuda-no-overlap} copies it between steps ({@link Device#withoutCopyOverlap()}), to compare.
 *
 * {@code --data} names a folder with {@code train-images-idx3-ubyte[.gz]} and
 * {@code train-labels-idx1-ubyte[.gz]}; by default the samples' embedded 8,000 training digits.
 */
public final class StreamBench {
    private StreamBench() {
    }

    private static Device device(String name) {
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "cuda" -> Device.cuda(0);
            case "cuda-no-overlap" -> Device.cuda(0).withoutCopyOverlap();
            default -> throw new IllegalArgumentException("unknown device " + name + "; expected cpu, cuda or cuda-no-overlap");
        };
    }

    public static void main(String[] args) throws IOException {
        int epochs = 8;
        Path data = null;
        Device device = Device.cpu();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--data" -> data = Path.of(args[++i]);
                case "--device" -> device = device(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --epochs N, --data DIR, --device cpu|cuda|cuda-no-overlap");
            }
        }
        if (epochs < 2) {
            throw new IllegalArgumentException("--epochs must be at least 2: the first is warm-up");
        }
        Path folder = Files.createTempDirectory("annonet-streambench");
        try {
            Path images = uncompressed(data, Mnist.TRAIN_IMAGES, folder);
            Path labels = uncompressed(data, Mnist.TRAIN_LABELS, folder);
            Tensor x = Idx.readImages(images);
            Tensor y = Labels.oneHot(Idx.readLabels(labels), 10);
            Fit options = Fit.options().batchSize(BATCH).epochs(1).verbose(0);
            double[] memory = new double[epochs];
            double[] streamed = new double[epochs];
            try (Model inMemory = model(device); Model fromFile = model(device); IdxDataset dataset = IdxDataset.open(images, labels, 10)) {
                for (int epoch = 0; epoch < epochs; epoch++) {
                    memory[epoch] = seconds(() -> inMemory.fit(x, y, options));
                    streamed[epoch] = seconds(() -> fromFile.fit(dataset, options));
                }
                System.out.printf(Locale.ROOT, "%,d samples of %d values, batch %d, %s, %d epochs each (alternating)%n",
                        x.samples(), x.size(1), BATCH, inMemory.device(), epochs);
                System.out.printf(Locale.ROOT, "%-22s %12s %12s%n", "source", "median s", "vs memory");
                double base = MnistBench.medianAfterFirst(memory);
                System.out.printf(Locale.ROOT, "%-22s %12.3f %12.3f%n", "in-memory tensors", base, 1.0);
                double stream = MnistBench.medianAfterFirst(streamed);
                System.out.printf(Locale.ROOT, "%-22s %12.3f %12.3f%n", "streamed IDX file", stream, stream / base);
                System.out.printf(Locale.ROOT, "all epochs, memory:   %s%nall epochs, streamed: %s%n",
                        Arrays.toString(round(memory)), Arrays.toString(round(streamed)));
            }
        } finally {
            try (var files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(folder);
        }
    }

    private static Model model(Device device) {
        MnistMlpModel model = MnistMlpModel.create(device, 42);
        model.compile(Optimizers.rmsprop(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
        return model;
    }

    private static double seconds(Runnable run) {
        long start = System.nanoTime();
        run.run();
        return (System.nanoTime() - start) * 1e-9;
    }

    /** The file {@code name} from {@code data} (or the embedded digits) uncompressed into {@code folder}. */
    private static Path uncompressed(Path data, String name, Path folder) throws IOException {
        Path target = folder.resolve(name);
        Path plain = data == null ? null : data.resolve(name);
        if (plain != null && Files.isRegularFile(plain)) {
            Files.copy(plain, target);
            return target;
        }
        try (InputStream in = new GZIPInputStream(data == null
                ? StreamBench.class.getResourceAsStream("/dev/annonet/samples/mnist/" + name + ".gz")
                : Files.newInputStream(data.resolve(name + ".gz")))) {
            Files.copy(in, target);
        }
        return target;
    }

    private static double[] round(double[] values) {
        return Arrays.stream(values).map(v -> Math.round(v * 1000) / 1000.0).toArray();
    }
}
