package dev.annonet.runtime.callbacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Keras's {@code CSVLogger}: one line per epoch, {@code epoch} then the epoch's logs in History's
 * order, under a header line. The epoch is numbered from 1, as fit shows it. Each line is written
 * and the file closed at its epoch's end, so a crash loses at most the epoch under way. With
 * {@code append} a file that exists is added to (without a second header); else it is replaced.
 */
public final class CSVLogger implements Callback {
    private final Path file;
    private final String separator;
    private final boolean append;
    private boolean headerWritten;

    /** Keras's defaults: comma-separated, the file replaced. */
    public CSVLogger(Path file) {
        this(file, ",", false);
    }

    public CSVLogger(Path file, String separator, boolean append) {
        this.file = Objects.requireNonNull(file, "file");
        this.separator = Objects.requireNonNull(separator, "separator");
        if (separator.isEmpty() || separator.contains("\n")) {
            throw new IllegalArgumentException("CSVLogger: the separator must be non-empty and on one line, was '"
                    + separator + "'");
        }
        this.append = append;
    }

    @Override
    public void onTrainBegin(Training training) {
        try {
            headerWritten = append && Files.exists(file) && Files.size(file) > 0;
            if (!append) {
                Files.writeString(file, "");
            }
        } catch (IOException e) {
            throw failure(e);
        }
    }

    @Override
    public void onEpochEnd(Training training, int epoch, Logs logs) {
        StringBuilder text = new StringBuilder();
        if (!headerWritten) {
            text.append("epoch");
            logs.names().forEach(name -> text.append(separator).append(name));
            text.append('\n');
        }
        text.append(epoch);
        logs.names().forEach(name -> text.append(separator).append(logs.get(name)));
        text.append('\n');
        try {
            Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw failure(e);
        }
        headerWritten = true;
    }

    private UncheckedIOException failure(IOException e) {
        return new UncheckedIOException("CSVLogger could not write " + file + ": " + e, e);
    }
}
