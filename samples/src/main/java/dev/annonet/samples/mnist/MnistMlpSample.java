package dev.annonet.samples.mnist;

import dev.annonet.runtime.Device;
import dev.annonet.runtime.Evaluation;
import dev.annonet.runtime.Fit;
import dev.annonet.runtime.History;
import dev.annonet.runtime.Labels;
import dev.annonet.runtime.Losses;
import dev.annonet.runtime.Metrics;
import dev.annonet.runtime.Optimizers;
import dev.annonet.runtime.Tensor;
import dev.annonet.runtime.backend.Precision;
import dev.annonet.runtime.callbacks.TensorBoard;
import dev.annonet.runtime.data.Mnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The course's MNIST MLP: Dense(512, relu) → Dropout(0.2) → Dense(10, softmax), RMSprop,
 * categorical cross-entropy, batch 128, 20 epochs, validation on the held-out digits, then
 * evaluation. It trains on the embedded 10k subset unless {@code --data DIR} names a directory
 * with the full MNIST IDX files, and leaves its training curves ({@code curves.png}) and a
 * TensorBoard run in {@code --logs DIR} (default {@code target/mnist-mlp}).
 */
public final class MnistMlpSample {
    private static final String USAGE = """
            usage: MnistMlpSample [--data DIR] [--epochs N] [--batch-size N] [--device auto|cpu|cuda|reference] [--precision POLICY] [--seed N] [--verbose 0|1|2] [--logs DIR]
              --data DIR     a directory with train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
                             t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] (default: the embedded 10k subset)
              --logs DIR     where the training curves (curves.png) and TensorBoard runs (tensorboard/) go
                             (default: target/mnist-mlp)
              --precision    float32 (default), mixed_bfloat16 or mixed_float16: the GEMMs' policy on a GPU (--device cuda)
              --epochs N     default 20;  --batch-size N  default 128;  --device  default auto;  --seed N  default 42""";
    static final Path DEFAULT_LOGS = Path.of("target", "mnist-mlp");

    private MnistMlpSample() {
    }

    /**
     * The settings the command line may change; the defaults are the course's. {@code logs}: the
     * directory for the training curves and TensorBoard runs, or null to write neither.
     */
    public record Options(Path data, int epochs, int batchSize, Device device, long seed, int verbose, Path logs) {
        /** Options that write no logs. */
        public Options(Path data, int epochs, int batchSize, Device device, long seed, int verbose) {
            this(data, epochs, batchSize, device, seed, verbose, null);
        }

        static Options parse(String... args) {
            return parse(20, DEFAULT_LOGS, args);
        }

        /**
         * The options of {@code args}, {@code defaultEpochs} when they give no {@code --epochs} and
         * {@code defaultLogs} no {@code --logs}.
         */
        public static Options parse(int defaultEpochs, Path defaultLogs, String... args) {
            Path data = null;
            Path logs = defaultLogs;
            int epochs = defaultEpochs;
            int batchSize = 128;
            Device device = null;
            Precision precision = null;
            long seed = 42;
            int verbose = 1;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("--help") || flag.equals("-h")) {
                    throw new IllegalArgumentException("");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--data" -> data = Path.of(value);
                    case "--logs" -> logs = Path.of(value);
                    case "--epochs" -> epochs = positive(flag, value);
                    case "--batch-size" -> batchSize = positive(flag, value);
                    case "--seed" -> seed = number(flag, value);
                    case "--verbose" -> verbose = (int) number(flag, value);
                    case "--device" -> device = device(value);
                    case "--precision" -> precision = precision(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (data != null && !Files.isDirectory(data)) {
                throw new IllegalArgumentException("--data " + data + " is not a directory");
            }
            if (logs != null && Files.exists(logs) && !Files.isDirectory(logs)) {
                throw new IllegalArgumentException("--logs " + logs + " is not a directory");
            }
            if (device == null) {
                device = Device.auto();
            }
            if (precision != null) {
                try {
                    device = device.withPrecision(precision);
                } catch (IllegalStateException e) {
                    throw new IllegalArgumentException("--precision " + precision + ": " + e.getMessage());
                }
            }
            return new Options(data, epochs, batchSize, device, seed, verbose, logs);
        }

        private static Precision precision(String value) {
            for (Precision precision : Precision.values()) {
                if (precision.toString().equals(value)) {
                    return precision;
                }
            }
            throw new IllegalArgumentException("--precision must be float32, mixed_bfloat16 or mixed_float16, not '" + value + "'");
        }

        /** A device that cannot start here is a bad option, reported with its reason, not a stack trace. */
        private static Device device(String value) {
            try {
                return switch (value) {
                    case "auto" -> Device.auto();
                    case "cpu" -> Device.cpu();
                    case "cuda" -> Device.cuda();
                    case "reference" -> Device.reference();
                    default -> throw new IllegalArgumentException("--device must be auto, cpu, cuda or reference, not '" + value + "'");
                };
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("--device " + value + ": " + e.getMessage());
            }
        }

        private static long number(String flag, String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a whole number, not '" + value + "'");
            }
        }

        private static int positive(String flag, String value) {
            long n = number(flag, value);
            if (n <= 0 || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(flag + " must be a positive number, not " + value);
            }
            return (int) n;
        }
    }

    /**
     * The main of a digits sample that takes this sample's options: parses them (or prints the usage,
     * naming {@code sample} and its defaults, and exits), loads the digits, trains with {@code train}
     * and prints the held-out loss and accuracy.
     */
    public static void runDigitsSample(String sample, int defaultEpochs, Path defaultLogs, String[] args,
                                       BiFunction<Mnist, Options, Evaluation> train) throws IOException {
        Options options;
        try {
            options = Options.parse(defaultEpochs, defaultLogs, args);
        } catch (IllegalArgumentException e) {
            System.err.println((e.getMessage().isEmpty() ? "" : "error: " + e.getMessage() + "\n")
                    + "usage: " + sample + " [--data DIR] [--epochs N (default " + defaultEpochs + ")] [--batch-size N]"
                    + " [--device auto|cpu|cuda|reference] [--precision POLICY] [--seed N] [--verbose 0|1|2] [--logs DIR (default " + defaultLogs + ")]");
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        Mnist mnist = options.data() == null ? EmbeddedMnist.load() : Mnist.load(options.data());
        Evaluation score = train.apply(mnist, options);
        System.out.printf(Locale.ROOT, "Test loss: %.4f%nTest accuracy: %.4f%n", score.loss(), score.get("accuracy"));
    }

    public static void main(String[] args) throws IOException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.println(USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        Mnist mnist = options.data() == null ? EmbeddedMnist.load() : Mnist.load(options.data());
        System.out.printf(Locale.ROOT, "MNIST: %d training and %d held-out digits (%s)%n",
                mnist.trainImages().samples(), mnist.testImages().samples(),
                options.data() == null ? "embedded subset" : options.data());
        Evaluation score = train(mnist, options);
        System.out.printf(Locale.ROOT, "Test loss: %.4f%nTest accuracy: %.4f%n", score.loss(), score.get("accuracy"));
    }

    /** Trains the course's network on {@code mnist} and evaluates it on the held-out digits. */
    static Evaluation train(Mnist mnist, Options options) {
        Tensor yTrain = Labels.oneHot(mnist.trainLabels(), 10);
        Tensor yTest = Labels.oneHot(mnist.testLabels(), 10);
        try (MnistMlpModel model = MnistMlpModel.create(options.device(), options.seed())) {
            if (options.verbose() > 0) {
                model.summary();
            }
            model.compile(Optimizers.rmsprop(1e-3f), Losses.categoricalCrossentropy(), Metrics.accuracy());
            History history = model.fit(mnist.trainImages(), yTrain, withTensorBoard(Fit.options()
                    .batchSize(options.batchSize())
                    .epochs(options.epochs())
                    .verbose(options.verbose())
                    .validationData(mnist.testImages(), yTest), options));
            writeCurves(history, options);
            return model.evaluate(mnist.testImages(), yTest);
        }
    }

    /**
     * {@code fit} with a {@link TensorBoard} callback writing a new run under the options' logs
     * directory ({@code tensorboard/<date>-<time>}), if any, and says where; else {@code fit} as it is.
     */
    public static Fit withTensorBoard(Fit fit, Options options) {
        if (options.logs() == null) {
            return fit;
        }
        Path runs = options.logs().resolve("tensorboard").toAbsolutePath();
        Path run = runs.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
        System.out.println("TensorBoard run: " + run + " (tensorboard --logdir " + runs + ")");
        return fit.callbacks(new TensorBoard(run));
    }

    /**
     * Draws the curves of {@code history} to {@code curves.png} in the options' logs directory, if
     * any, and says where; a file that cannot be written is reported, and the sample goes on.
     */
    public static void writeCurves(History history, Options options) {
        if (options.logs() == null) {
            return;
        }
        Path png = options.logs().resolve("curves.png").toAbsolutePath();
        try {
            history.plot(png);
            System.out.println("Training curves: " + png);
        } catch (IOException e) {
            System.err.println("error: no training curves: " + e.getMessage());
        }
    }
}
