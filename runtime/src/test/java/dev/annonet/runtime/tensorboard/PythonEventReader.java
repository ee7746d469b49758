package dev.annonet.runtime.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * scripts/tensorboard/read_events.py, the reader that is not ours: it checks every record's two
 * CRCs with its own CRC32C and parses every event with Debian's python3-protobuf and TensorBoard's
 * field numbers, printing one JSON line per event. Without /usr/bin/python3 and its protobuf
 * module a test class that uses it ({@code @ExtendWith(PythonEventReader.class)}) is skipped,
 * saying so, except under CI (CI=true), where that is a failure.
 */
public final class PythonEventReader implements BeforeAllCallback {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final Path SCRIPT = Path.of("..", "scripts", "tensorboard", "read_events.py").toAbsolutePath().normalize();
    private static final Pattern SCALAR = Pattern.compile(
            "\"step\": (\\d+), \"summary\": \\[\\{\"simple_value\": ([^,]+), \"tag\": \"([^\"]+)\"}]");
    private static final Pattern HISTOGRAM = Pattern.compile(
            "\"step\": (\\d+), \"summary\": \\[\\{\"histo\": \\{.*\"num\": ([^,]+), \"sum\": ([^,]+), .*\"tag\": \"([^\"]+)\"}]");

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        requireAvailable();
    }

    /** The process's exit status and what it printed, stdout and stderr together. */
    record Result(int status, String output) {
    }

    /** Skips the calling tests (fails them under CI) when the script cannot run here. */
    private static void requireAvailable() throws IOException, InterruptedException {
        assertTrue(Files.isRegularFile(SCRIPT), "the reader script is missing: " + SCRIPT);
        String missing = null;
        if (!Files.isExecutable(PYTHON)) {
            missing = PYTHON + " is missing";
        } else if (run(PYTHON.toString(), "-c", "import google.protobuf").status() != 0) {
            missing = PYTHON + " has no protobuf module";
        }
        if (missing != null) {
            String why = missing + ": install Debian's python3-protobuf (apt-get install -y python3-protobuf) to read the"
                    + " event files with a reader that is not annonet's";
            if ("true".equals(System.getenv("CI"))) {
                fail(why);
            }
            Assumptions.abort(why);
        }
    }

    /** The events of the files under {@code path} (or of that file), one JSON line each; a failure shows what the script said. */
    public static List<String> events(Path path) throws IOException, InterruptedException {
        Result result = run(PYTHON.toString(), SCRIPT.toString(), path.toString());
        assertEquals(0, result.status(), "read_events.py failed:\n" + result.output());
        return result.output().lines().toList();
    }

    /** Tag to step to value, of the scalar events among {@code events}. */
    public static Map<String, Map<Long, Double>> scalars(List<String> events) {
        Map<String, Map<Long, Double>> scalars = new TreeMap<>();
        for (String event : events) {
            Matcher m = SCALAR.matcher(event);
            if (m.find()) {
                scalars.computeIfAbsent(m.group(3), tag -> new TreeMap<>()).put(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)));
            }
        }
        return scalars;
    }

    /** Tag to step to {count, sum}, of the histogram events among {@code events}. */
    public static Map<String, Map<Long, double[]>> histogramCountsAndSums(List<String> events) {
        Map<String, Map<Long, double[]>> histograms = new TreeMap<>();
        for (String event : events) {
            Matcher m = HISTOGRAM.matcher(event);
            if (m.find()) {
                histograms.computeIfAbsent(m.group(4), tag -> new TreeMap<>()).put(Long.parseLong(m.group(1)),
                        new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))});
            }
        }
        return histograms;
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 60 seconds");
        }
        return new Result(process.exitValue(), output);
    }
}
