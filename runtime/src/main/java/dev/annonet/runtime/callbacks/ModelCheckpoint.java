package dev.annonet.runtime.callbacks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keras's {@code ModelCheckpoint}: saves at each epoch's end to a file named by a pattern of
 * Python format fields, the epoch and the epoch's logs: {@code "ckpt-{epoch:02d}-{val_loss:.4f}.safetensors"}.
 * By default it writes a whole training checkpoint ({@code Model.saveCheckpoint}), which
 * {@code Fit.resumeFrom} goes on from; with {@link #saveWeightsOnly} the weights alone
 * ({@code Model.save}). With {@link #saveBestOnly} it saves only when the monitored quantity
 * (default {@code val_loss}, mode auto) improves on the best so far. Files are written atomically,
 * their directory made when missing.
 *
 * <p>A field names {@code epoch} (an integer) or a value of the logs (a double); its format is
 * Python's {@code [0][width][.precision][d|f|e|g]}. A field the logs lack stops fit at the first
 * save with an {@link IllegalArgumentException} naming those they hold.
 */
public final class ModelCheckpoint implements Callback {
    private static final Pattern FIELD = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)(?::(0?\\d*(?:\\.\\d+)?[dfeg]))?}");

    private final String filepath;
    private String monitorName = "val_loss";
    private Mode mode = Mode.AUTO;
    private boolean saveBestOnly;
    private boolean saveWeightsOnly;

    private Monitor monitor;
    private double best;
    private final List<Path> saved = new ArrayList<>();

    /** Saves to {@code filepath}, in which {@code {epoch}} and {@code {name:format}} fields are replaced. */
    public ModelCheckpoint(String filepath) {
        if (filepath == null || filepath.isEmpty()) {
            throw new IllegalArgumentException("ModelCheckpoint: the file path is empty");
        }
        String rest = FIELD.matcher(filepath).replaceAll("");
        if (rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
            throw new IllegalArgumentException("ModelCheckpoint: '" + filepath + "' has a field that is not"
                    + " {name} or {name:format} with a format such as 02d or .4f");
        }
        this.filepath = filepath;
    }

    /** The quantity {@link #saveBestOnly} watches. */
    public ModelCheckpoint monitor(String monitor) {
        this.monitorName = monitor;
        return this;
    }

    public ModelCheckpoint mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    /** Saves only the epochs whose monitored value is the best so far. */
    public ModelCheckpoint saveBestOnly(boolean saveBestOnly) {
        this.saveBestOnly = saveBestOnly;
        return this;
    }

    /** Writes the weights alone ({@code Model.save}) instead of a training checkpoint. */
    public ModelCheckpoint saveWeightsOnly(boolean saveWeightsOnly) {
        this.saveWeightsOnly = saveWeightsOnly;
        return this;
    }

    @Override
    public void onTrainBegin(Training training) {
        monitor = new Monitor("ModelCheckpoint", monitorName, mode, 0);
        best = monitor.worst();
    }

    @Override
    public void onEpochEnd(Training training, int epoch, Logs logs) {
        if (saveBestOnly) {
            double current = monitor.value(logs);
            if (!monitor.improves(current, best)) {
                return;
            }
            best = current;
        }
        Path file = Path.of(fileName(epoch, logs));
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent()); // as Keras makes the directory
            }
            if (saveWeightsOnly) {
                training.model().save(file);
            } else {
                training.model().saveCheckpoint(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ModelCheckpoint could not write " + file + ": " + e.getMessage(), e);
        }
        saved.add(file);
    }

    /** The files saved so far, oldest first. */
    public List<Path> savedFiles() {
        return List.copyOf(saved);
    }

    /** The pattern with its fields replaced by the epoch and the logs' values. */
    String fileName(int epoch, Logs logs) {
        Matcher field = FIELD.matcher(filepath);
        StringBuilder name = new StringBuilder();
        while (field.find()) {
            String key = field.group(1);
            String format = field.group(2) == null ? "" : field.group(2);
            Object value;
            if (key.equals("epoch")) {
                value = format.endsWith("d") || format.isEmpty() ? (Object) epoch : (Object) (double) epoch;
            } else if (logs.has(key)) {
                if (format.endsWith("d")) {
                    throw new IllegalArgumentException("ModelCheckpoint: '" + filepath + "' formats '" + key
                            + "', a decimal value, as an integer; use a format such as .4f");
                }
                value = logs.get(key);
            } else {
                throw new IllegalArgumentException("ModelCheckpoint: '" + filepath + "' names '" + key
                        + "', which is neither 'epoch' nor in the logs; they hold " + logs.names());
            }
            String text = format.isEmpty() ? String.valueOf(value) : String.format(Locale.ROOT, "%" + format, value);
            field.appendReplacement(name, Matcher.quoteReplacement(text));
        }
        field.appendTail(name);
        return name.toString();
    }
}
