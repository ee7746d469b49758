package dev.annonet.runtime.tensorboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Event files as scripts/tensorboard/read_events.py, a reader that is not ours, sees them. */
@ExtendWith(PythonEventReader.class)
class IndependentReaderTest {
    private static final Pattern LINE = Pattern.compile("\\{\"file\": \"([^\"]+)\", (.*), \"wall_time\": ([0-9.e+]+)}");

    @TempDir
    Path logDir;

    @Test
    void readsEveryScalarAndHistogramWithTheirSteps() throws Exception {
        long before = System.currentTimeMillis() / 1000;
        Path file;
        try (EventFileWriter writer = EventFileWriter.open(logDir.resolve("train"))) {
            file = writer.file();
            writer.scalar("epoch_loss", 0, 0.5);
            writer.scalar("epoch_loss", 1, 0.25);
            writer.scalar("epoch_accuracy", 1, 0);
            // Width 1 from -1 to 3: limits 0, 1, 2, 3; 0 and 0.5 share a bucket, 3 falls in the last.
            writer.histogram("hidden/kernel", 1, new float[] {0, -1, 0.5f, 3, 0}, 4);
            // Infinities and NaNs are left out; equal values make one bucket.
            writer.histogram("hidden/bias", 2, new float[] {2, Float.NaN, 2, Float.NEGATIVE_INFINITY});
            writer.scalar("batch_loss", 5_000_000_000L, 1e-3);
        }
        long after = System.currentTimeMillis() / 1000 + 1;
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents." ), file.toString());

        List<String> events = PythonEventReader.events(logDir);

        assertEquals(List.of(
                "\"file_version\": \"brain.Event:2\", \"source_metadata\": {\"writer\": \"annonet\"}, \"step\": 0",
                "\"step\": 0, \"summary\": [{\"simple_value\": 0.5, \"tag\": \"epoch_loss\"}]",
                "\"step\": 1, \"summary\": [{\"simple_value\": 0.25, \"tag\": \"epoch_loss\"}]",
                "\"step\": 1, \"summary\": [{\"simple_value\": 0.0, \"tag\": \"epoch_accuracy\"}]",
                "\"step\": 1, \"summary\": [{\"histo\": {\"bucket\": [1.0, 3.0, 0.0, 1.0], \"bucket_limit\": [0.0, 1.0, 2.0, 3.0],"
                        + " \"max\": 3.0, \"min\": -1.0, \"num\": 5.0, \"sum\": 2.5, \"sum_squares\": 10.25}, \"tag\": \"hidden/kernel\"}]",
                "\"step\": 2, \"summary\": [{\"histo\": {\"bucket\": [2.0], \"bucket_limit\": [2.0],"
                        + " \"max\": 2.0, \"min\": 2.0, \"num\": 2.0, \"sum\": 4.0, \"sum_squares\": 8.0}, \"tag\": \"hidden/bias\"}]",
                // 1e-3 as float32, widened to double by the reader
                "\"step\": 5000000000, \"summary\": [{\"simple_value\": 0.0010000000474974513, \"tag\": \"batch_loss\"}]"),
                withoutFileAndTime(events, file, before, after));
    }

    @Test
    void flushedEventsAreInTheFileBeforeItCloses() throws Exception {
        try (EventFileWriter writer = EventFileWriter.open(logDir)) {
            writer.scalar("epoch_loss", 0, 2);
            writer.flush();
            writer.scalar("epoch_loss", 1, 1);

            List<String> events = PythonEventReader.events(logDir);

            assertEquals(2, events.size(), String.join("\n", events));
            assertTrue(events.get(1).contains("\"simple_value\": 2.0"), events.get(1));
        }
        assertEquals(3, PythonEventReader.events(logDir).size());
    }

    @Test
    void theReaderRejectsARecordWhoseDataChanged() throws Exception {
        Path file;
        try (EventFileWriter writer = EventFileWriter.open(logDir)) {
            file = writer.file();
            writer.scalar("epoch_loss", 0, 0.5);
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 5] ^= 1; // the scalar's last byte, just before its data CRC
        Files.write(file, bytes);

        PythonEventReader.Result result = PythonEventReader.run(
                PythonEventReader.PYTHON.toString(), PythonEventReader.SCRIPT.toString(), file.toString());

        assertEquals(1, result.status(), result.output());
        assertTrue(result.output().contains("the data CRC of the record at byte "), result.output());
    }

    /** Each line without its file and wall time, after checking that they are this file and now. */
    private static List<String> withoutFileAndTime(List<String> lines, Path file, long from, long to) {
        List<String> rest = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), "unexpected line: " + line);
            assertEquals(file.toString(), m.group(1));
            double wallTime = Double.parseDouble(m.group(3));
            assertTrue(wallTime >= from && wallTime <= to, "wall time " + wallTime + " is not between " + from + " and " + to);
            rest.add(m.group(2));
        }
        return rest;
    }
}
