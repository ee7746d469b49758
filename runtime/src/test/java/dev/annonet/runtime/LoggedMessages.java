package dev.annonet.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages the runtime's logger ("dev.annonet.runtime") publishes while this is open, those
 * that {@code wanted} accepts: tests use it to check what annonet tells a user, and how often.
 */
public final class LoggedMessages extends Handler implements AutoCloseable {
    private static final Logger RUNTIME_LOG = Logger.getLogger("dev.annonet.runtime");

    private final Predicate<LogRecord> wanted;
    private final List<String> messages = new ArrayList<>();

    private LoggedMessages(Predicate<LogRecord> wanted) {
        this.wanted = wanted;
    }

    /** Starts collecting every message. */
    public static LoggedMessages all() {
        return where(record -> true);
    }

    /** Starts collecting the messages {@code wanted} accepts. */
    public static LoggedMessages where(Predicate<LogRecord> wanted) {
        LoggedMessages collected = new LoggedMessages(wanted);
        RUNTIME_LOG.addHandler(collected);
        return collected;
    }

    /** What was collected so far, in order. */
    public synchronized List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        if (wanted.test(record)) {
            messages.add(record.getMessage());
        }
    }

    @Override
    public void flush() {
    }

    /** Stops collecting; {@link #messages()} still answers. */
    @Override
    public void close() {
        RUNTIME_LOG.removeHandler(this);
    }
}
