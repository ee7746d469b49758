package dev.annonet.samples.bench;

import static dev.annonet.samples.bench.MnistBench.number;

import dev.annonet.applications.ResNet50Model;
import dev.annonet.applications.VGG16Model;
import dev.annonet.runtime.Device;
import dev.annonet.runtime.Model;
import dev.annonet.runtime.Tensor;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * Issue 16's speed table: forward images per second of Keras's VGG16 and ResNet50 (224×224×3,
 * random weights) on annonet's CPU backend against torchvision's vgg16 and resnet50 on PyTorch
 * (scripts/pytorch/bench_convnets.py: eval mode, no_grad), both on as many threads as the JVM
 * has processors, in alternating turns, so that both are timed in the same minutes.
 *
 * <pre>mvn -q package -DskipTests -Dsample=convbench [-Dexec.args="--batches 1,32 --seconds 3 --networks vgg16,resnet50"]</pre>
 */
public final class ConvNetBench {
    static final String SCRIPT = "scripts/pytorch/bench_convnets.py";
    private static final int TURNS = 3;
    private static final int[] IMAGE = {224, 224, 3};

    /** A network the bench knows: its name on PyTorch's side and its annonet model. */
    private record Network(String name, Function<Device, Model> create) {
    }

    private static final List<Network> NETWORKS = List.of(
            new Network("vgg16", device -> VGG16Model.create(device, 42)),
            new Network("resnet50", device -> ResNet50Model.create(device, 42)));

    /** One table row: a network at a batch size, each engine's median rate and the median of the turns' ratios. */
    private record Row(String network, int batch, double annonet, double pytorch, double ratio, String failure) {
    }

    private ConvNetBench() {
    }

    public static void main(String[] args) throws IOException {
        int[] batches = {1, 32};
        double seconds = 3;
        List<Network> networks = NETWORKS;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--batches" -> batches = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--networks" -> networks = Arrays.stream(args[i + 1].split(",")).map(ConvNetBench::network).toList();
                default -> usage("unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0 || Arrays.stream(batches).anyMatch(b -> b <= 0) || !(seconds > 0)) {
            usage("bad arguments " + String.join(" ", args));
        }
        int threads = Runtime.getRuntime().availableProcessors();
        List<Row> rows = new ArrayList<>();
        PyTorchEngine pytorch;
        try {
            pytorch = PyTorchEngine.serve(SCRIPT, "--threads", String.valueOf(threads));
        } catch (IOException | IllegalStateException e) {
            System.err.println("ConvNetBench: PyTorch's side: " + e.getMessage());
            System.exit(1);
            return;
        }
        try {
            for (Network network : networks) {
                bench(network, batches, seconds, pytorch, rows);
            }
        } finally {
            pytorch.close();
        }
        System.out.printf(Locale.ROOT, "%nForward images/s, 224x224x3, random weights; %s; %s, %d threads each, Java %s;"
                + " median of %d alternating turns of at least %.1f s%n%n", LocalDate.now(), pytorch.name(), threads,
                System.getProperty("java.version"), TURNS, seconds);
        System.out.printf(Locale.ROOT, "| network | batch | annonet cpu | PyTorch | annonet / PyTorch |%n|---|---:|---:|---:|---:|%n");
        for (Row r : rows) {
            if (r.failure() != null) {
                System.out.printf(Locale.ROOT, "| %s | %d | not run: %s | | |%n", r.network(), r.batch(), r.failure());
            } else {
                System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f |%n", r.network(), r.batch(), r.annonet(),
                        r.pytorch(), r.ratio());
            }
        }
    }

    /** The network's rows, one per batch size; a model that cannot be created or run says why in its rows. */
    private static void bench(Network network, int[] batches, double seconds, PyTorchEngine pytorch, List<Row> rows) {
        Model model;
        try {
            model = network.create().apply(Device.cpu());
        } catch (RuntimeException e) {
            for (int batch : batches) {
                rows.add(new Row(network.name(), batch, 0, 0, 0, e.toString()));
            }
            return;
        }
        try (model) {
            for (int batch : batches) {
                double[] annonet = new double[TURNS];
                double[] torch = new double[TURNS];
                double[] ratios = new double[TURNS];
                try {
                    Tensor x = randomImages(batch);
                    model.predict(x, batch); // warm-up: the arena reserved for this batch
                    for (int t = 0; t < TURNS; t++) {
                        torch[t] = number(pytorch.ask("rate " + network.name() + " " + batch + " " + seconds),
                                "images_per_second");
                        annonet[t] = PredictRate.samplesPerSecond(model, x, batch, seconds);
                        ratios[t] = annonet[t] / torch[t];
                    }
                    rows.add(new Row(network.name(), batch, median(annonet), median(torch), median(ratios), null));
                } catch (RuntimeException e) {
                    rows.add(new Row(network.name(), batch, 0, 0, 0, e.toString()));
                }
                System.out.printf(Locale.ROOT, "%s batch %d: annonet %s, PyTorch %s images/s%n", network.name(), batch,
                        Arrays.toString(annonet), Arrays.toString(torch));
            }
        }
    }

    private static Tensor randomImages(int batch) {
        Random random = new Random(7);
        float[] values = new float[batch * IMAGE[0] * IMAGE[1] * IMAGE[2]];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return Tensor.of(values, batch, IMAGE[0], IMAGE[1], IMAGE[2]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static Network network(String name) {
        return NETWORKS.stream().filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown network " + name + "; known: vgg16, resnet50"));
    }

    private static void usage(String problem) {
        System.err.println("ConvNetBench: " + problem
                + "\nusage: ConvNetBench [--batches 1,32] [--seconds S (default 3)] [--networks vgg16,resnet50]");
        System.exit(2);
    }
}
