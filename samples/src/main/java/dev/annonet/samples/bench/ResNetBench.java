package dev.annonet.samples.bench;

import static dev.annonet.samples.bench.MnistBench.BATCH;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.data.Mnist;
import dev.annonet.samples.resnet.MnistResNetModel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ResNet sample's network on annonet's CPU backend against the same architecture in PyTorch
 * (scripts/pytorch/bench_resnet.py), in one run: epochs in alternating turns, then the held-out
 * accuracy and inference in turns, as {@link MnistBench} measures the MLP.
 */
public final class ResNetBench {
    static final String SCRIPT = "scripts/pytorch/bench_resnet.py";
    private static final int TURNS = 3;
    private static final double TURN_SECONDS = 1.0;
    private static final int TURN_LATENCIES = 100;

    private ResNetBench() {
    }

    public static void main(String[] args) throws IOException {
        int epochs = 5;
        if (args.length == 2 && args[0].equals("--epochs") && args[1].matches("[1-9][0-9]{0,3}")) {
            epochs = Integer.parseInt(args[1]);
        } else if (args.length != 0) {
            System.err.println("usage: ResNetBench [--epochs N (default 5)]");
            System.exit(2);
        }
        Path directory = MnistBench.extractEmbedded();
        String failure;
        try {
            failure = bench(directory, epochs);
        } finally {
            MnistBench.deleteDirectory(directory);
        }
        if (failure != null) {
            System.err.println("ResNetBench: " + failure);
            System.exit(1);
        }
    }

    /** Runs and prints the bench on the digits in {@code directory}; null, or why it could not. */
    private static String bench(Path directory, int epochs) throws IOException {
        Mnist mnist = Mnist.load(directory);
        int threads = Runtime.getRuntime().availableProcessors();
        List<Engine> engines = new ArrayList<>();
        List<MnistBench.Measured> measured;
        try {
            engines.add(PyTorchEngine.start(SCRIPT, directory, threads));
            MnistResNetModel model = MnistResNetModel.create(Device.cpu(), 42);
            engines.add(new AnnonetEngine("annonet cpu", model, model::predict, mnist));
            model.compile(Optimizers.adam(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            measured = MnistBench.inTurns(engines, epochs, TURNS, TURN_SECONDS, TURN_LATENCIES);
        } catch (IOException | IllegalStateException e) { // no PyTorch, or its script stopped answering
            return "PyTorch's side: " + e.getMessage();
        } finally {
            engines.forEach(Engine::close);
        }
        List<MnistBench.Row> rows = new ArrayList<>();
        for (MnistBench.Measured m : measured) {
            rows.add(m.row(mnist.trainImages().samples()));
        }
        System.out.printf(Locale.ROOT, "%nMNIST ResNet (stem 16, blocks 16, 32/2, 32; 38,266 parameters), Adam, batch %d,"
                + " %d training / %d held-out digits%n", BATCH, mnist.trainImages().samples(), mnist.testImages().samples());
        System.out.printf(Locale.ROOT, "%s, %d cores, Java %s, %s; epoch time: median of epochs 2..%d%n%n",
                LocalDate.now(), threads, System.getProperty("java.version"), System.getProperty("os.arch"), epochs);
        System.out.print(MnistBench.table(rows));
        System.out.printf(Locale.ROOT, "%nannonet cpu over PyTorch, epoch by epoch (alternating): %s%n",
                MnistBench.turnRatios(measured.get(1).epochSeconds(), measured.get(0).epochSeconds()));
        return null;
    }
}
