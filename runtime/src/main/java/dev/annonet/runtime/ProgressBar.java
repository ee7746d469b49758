package dev.annonet.runtime;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Keras's progress output for {@link Model#fit}. Verbose 1: an "Epoch 3/20" line, then a bar
 * redrawn in place with '\r' (at most every 50 ms, so drawing costs nothing measurable) that ends as
 * {@code 63/63 [==============================] - 1s 9ms/step - loss: 0.2461 - accuracy: 0.9283}.
 * Verbose 2: one line per epoch. Verbose 0: nothing. As Keras does, the bar is only redrawn on
 * an interactive terminal; into a log or a pipe, verbose 1 writes each epoch's final line alone.
 * A {@link #pass} (evaluate, predict) is one such epoch without its "Epoch" line; at verbose 2 its
 * line starts with the steps, {@code 63/63 - 0s 2ms/step - loss: ...}.
 */
final class ProgressBar {
    private static final long REDRAW_INTERVAL_NANOS = 50_000_000L;
    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final int verbose;
    private final int epochs;
    private final int steps;
    private final String[] names;
    private final LongSupplier nanoClock;
    private final boolean live;
    private int epoch;
    private long epochStart;
    private long lastDraw;
    private int drawnLength;

    /**
     * {@code names}: the loss's and metrics' names, as the tallies hold their values;
     * {@code nanoClock}: {@code System::nanoTime}, or a test's clock; {@code live}: whether the
     * bar may be redrawn in place during an epoch.
     */
    ProgressBar(PrintStream out, int verbose, int epochs, int steps, String[] names, LongSupplier nanoClock, boolean live) {
        this.out = out;
        this.verbose = verbose;
        this.epochs = epochs;
        this.steps = steps;
        this.names = names;
        this.nanoClock = nanoClock;
        this.live = live;
    }

    /** A bar over one pass of {@code steps} batches, with {@code names} as {@link #stepDone}'s tallies hold them. */
    static ProgressBar pass(PrintStream out, int verbose, int steps, String[] names) {
        return new ProgressBar(out, verbose, 0, steps, names, System::nanoTime, isInteractive(out));
    }

    /** Whether {@code out} is a terminal that shows '\r' redraws: the console's own stream. */
    static boolean isInteractive(PrintStream out) {
        return out == System.out && System.console() != null;
    }

    void startEpoch(int epoch) {
        this.epoch = epoch;
        epochStart = nanoClock.getAsLong();
        lastDraw = epochStart;
        drawnLength = 0;
        if (verbose == 1 && epochs > 0) {
            out.println("Epoch " + epoch + "/" + epochs);
        }
    }

    /** After step {@code step} (1-based) of the epoch: redraws the bar when it is due; {@code training} may be null (predict). */
    void stepDone(int step, Tally training) {
        if (verbose != 1 || !live || step == steps) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (now - lastDraw < REDRAW_INTERVAL_NANOS) {
            return;
        }
        lastDraw = now;
        double secondsPerStep = (now - epochStart) * 1e-9 / step;
        StringBuilder line = counter(step).append(bar(step))
                .append(" - ETA: ").append(duration(secondsPerStep * (steps - step)));
        if (training != null) {
            appendValues(line, "", training);
        }
        redraw(line, false);
    }

    /** At the end of an epoch, with the validation tally or null ({@code training} too for predict). */
    void endEpoch(Tally training, Tally validation) {
        if (verbose == 0) {
            return;
        }
        double seconds = (nanoClock.getAsLong() - epochStart) * 1e-9;
        StringBuilder line = verbose == 1
                ? counter(steps).append(bar(steps)).append(" - ")
                : epochs > 0 ? new StringBuilder("Epoch ").append(epoch).append('/').append(epochs).append(" - ")
                : counter(steps).append(" - ");
        line.append(Math.round(seconds)).append("s ").append(perStep(seconds / steps));
        if (training != null) {
            appendValues(line, "", training);
        }
        if (validation != null) {
            appendValues(line, "val_", validation);
        }
        redraw(line, true);
    }

    private StringBuilder counter(int step) {
        String total = Integer.toString(steps);
        String done = Integer.toString(step);
        return new StringBuilder().append(" ".repeat(total.length() - done.length())).append(done).append('/').append(total);
    }

    private String bar(int step) {
        int filled = (int) ((long) BAR_WIDTH * step / steps);
        String arrow = step < steps && filled > 0 ? ">" : "";
        int equals = step < steps && filled > 0 ? filled - 1 : filled;
        return " [" + "=".repeat(equals) + arrow + ".".repeat(BAR_WIDTH - equals - arrow.length()) + "]";
    }

    private void appendValues(StringBuilder line, String prefix, Tally tally) {
        for (int i = 0; i < tally.size(); i++) {
            appendValue(line, prefix + names[i], tally.value(i));
        }
    }

    /** Appends {@code name: value} as Keras prints it, after a " - " unless the text is empty. */
    static void appendValue(StringBuilder text, String name, double value) {
        if (text.length() > 0) {
            text.append(" - ");
        }
        String format = Math.abs(value) > 1e-3 || value == 0 ? "%.4f" : "%.4e";
        text.append(name).append(": ").append(String.format(Locale.ROOT, format, value));
    }

    /** Overwrites the current line (padding out what a longer line left); ends it when {@code last}. */
    private void redraw(StringBuilder line, boolean last) {
        int length = line.length();
        if (verbose == 1 && live) {
            line.insert(0, '\r');
            line.append(" ".repeat(Math.max(0, drawnLength - length)));
        }
        drawnLength = length;
        if (last) {
            out.println(line);
        } else {
            out.print(line);
        }
        out.flush();
    }

    private static String perStep(double seconds) {
        if (seconds >= 1) {
            return Math.round(seconds) + "s/step";
        }
        return seconds >= 1e-3 ? Math.round(seconds * 1e3) + "ms/step" : Math.round(seconds * 1e6) + "us/step";
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60) : s + "s";
    }
}
