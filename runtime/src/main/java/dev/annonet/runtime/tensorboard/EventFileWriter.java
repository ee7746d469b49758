package dev.annonet.runtime.tensorboard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * An event file that TensorBoard reads: {@code events.out.tfevents.<unix seconds>.<hostname>} in
 * a run directory, holding TFRecord-framed {@code Event} protocol buffers. The first event names
 * the file version ({@code brain.Event:2}); each later one holds one scalar or one histogram at a
 * step.
 *
 * <p>Events are framed in memory and reach the file only on {@link #flush} (and {@link #close}),
 * appended in one write; the file is open only during that write, so a writer that is never
 * closed holds nothing open. A write that fails is cut back off the file, so the file never holds
 * half a record while this writer lives; a process killed in the middle of a write can leave a
 * torn last record, which TensorBoard's reader takes for the end of the file. Not thread-safe.
 */
public final class EventFileWriter implements AutoCloseable {
    static final String FILE_VERSION = "brain.Event:2";

    // Event's and Summary's field numbers (tensorboard/compat/proto/event.proto, summary.proto).
    private static final int EVENT_WALL_TIME = 1;
    private static final int EVENT_STEP = 2;
    private static final int EVENT_FILE_VERSION = 3;
    private static final int EVENT_SUMMARY = 5;
    private static final int EVENT_SOURCE_METADATA = 10;
    private static final int SOURCE_METADATA_WRITER = 1;
    private static final int SUMMARY_VALUE = 1;
    private static final int VALUE_TAG = 1;
    private static final int VALUE_SIMPLE_VALUE = 2;
    private static final int VALUE_HISTO = 5;

    private final Path file;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean closed;

    private EventFileWriter(Path file) {
        this.file = file;
    }

    /**
     * A new event file in {@code runDirectory} (created if missing), its first event already on
     * disk. A file of the same second and host gets a numbered suffix instead of being appended to.
     */
    public static EventFileWriter open(Path runDirectory) throws IOException {
        Objects.requireNonNull(runDirectory, "runDirectory");
        Files.createDirectories(runDirectory);
        String name = "events.out.tfevents." + System.currentTimeMillis() / 1000 + "." + hostname();
        for (int suffix = 0; ; suffix++) {
            Path file = runDirectory.resolve(suffix == 0 ? name : name + "." + suffix);
            try {
                Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                continue; // another writer took this name in the same second
            }
            EventFileWriter writer = new EventFileWriter(file);
            writer.append(writer.event(0).stringField(EVENT_FILE_VERSION, FILE_VERSION)
                    .messageField(EVENT_SOURCE_METADATA, new ProtoEncoder().stringField(SOURCE_METADATA_WRITER, "annonet")));
            writer.flush();
            return writer;
        }
    }

    /** The event file. */
    public Path file() {
        return file;
    }

    /** Adds the scalar {@code tag} = {@code value} at {@code step} (stored as float32, as TensorBoard's scalars are). */
    public void scalar(String tag, long step, double value) {
        append(summary(tag, step, new ProtoEncoder().stringField(VALUE_TAG, tag).floatField(VALUE_SIMPLE_VALUE, (float) value)));
    }

    /** Adds the histogram of {@code values} at {@code step}, in 30 equal-width buckets between their minimum and maximum. */
    public void histogram(String tag, long step, float[] values) {
        histogram(tag, step, values, Histograms.DEFAULT_BUCKETS);
    }

    /** Adds the histogram of the finite {@code values} at {@code step}, in {@code buckets} equal-width buckets. */
    public void histogram(String tag, long step, float[] values, int buckets) {
        Objects.requireNonNull(values, "values");
        append(summary(tag, step, new ProtoEncoder().stringField(VALUE_TAG, tag)
                .messageField(VALUE_HISTO, Histograms.encode(values, buckets))));
    }

    /** Appends the events added since the last flush to the file, where TensorBoard sees them. */
    public void flush() throws IOException {
        requireOpen();
        if (pending.size() == 0) {
            return;
        }
        ByteBuffer records = ByteBuffer.wrap(pending.toByteArray());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long sizeBefore = channel.size();
            try {
                channel.position(sizeBefore);
                while (records.hasRemaining()) {
                    channel.write(records);
                }
            } catch (IOException e) {
                try {
                    channel.truncate(sizeBefore);
                } catch (IOException truncation) {
                    e.addSuppressed(truncation);
                }
                throw e;
            }
        } catch (IOException e) {
            throw new IOException("cannot write TensorBoard events to " + file + ": " + e.getMessage(), e);
        }
        pending.reset();
    }

    /** Flushes the remaining events; the writer takes no more. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            flush();
            closed = true;
        }
    }

    private ProtoEncoder summary(String tag, long step, ProtoEncoder value) {
        if (tag == null || tag.isEmpty()) {
            throw new IllegalArgumentException("a TensorBoard tag must not be empty (" + file + ")");
        }
        if (step < 0) {
            throw new IllegalArgumentException("step of '" + tag + "' must not be negative, not " + step);
        }
        return event(step).messageField(EVENT_SUMMARY, new ProtoEncoder().messageField(SUMMARY_VALUE, value));
    }

    private ProtoEncoder event(long step) {
        return new ProtoEncoder().doubleField(EVENT_WALL_TIME, System.currentTimeMillis() / 1000.0).int64Field(EVENT_STEP, step);
    }

    private void append(ProtoEncoder event) {
        requireOpen();
        pending.writeBytes(TfRecords.frame(event.toByteArray()));
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the TensorBoard event file " + file + " is closed");
        }
    }

    /** This machine's name as TensorBoard's own writers put it in file names, or {@code localhost}. */
    private static String hostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
            return name.isEmpty() ? "localhost" : name;
        } catch (IOException e) {
            return "localhost";
        }
    }
}
