package dev.annonet.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@link Model#fit} returns: one value per epoch for the loss and each metric, as Keras's {@code History}. */
public final class History {
    private final Map<String, List<Double>> values = new LinkedHashMap<>();
    private final List<Double> epochSeconds = new ArrayList<>();

    History(List<String> names) {
        for (String name : names) {
            values.put(name, new ArrayList<>());
        }
    }

    void record(String name, double value) {
        values.get(name).add(value);
    }

    void recordEpochSeconds(double seconds) {
        epochSeconds.add(seconds);
    }

    /** Wall-clock seconds each epoch's training steps took (validation left out), epoch by epoch. */
    public List<Double> epochSeconds() {
        return Collections.unmodifiableList(new ArrayList<>(epochSeconds));
    }

    /** Name ({@code loss}, {@code accuracy}, {@code val_loss}, ...) to its values, epoch by epoch. */
    public Map<String, List<Double>> history() {
        Map<String, List<Double>> copy = new LinkedHashMap<>();
        values.forEach((name, list) -> copy.put(name, Collections.unmodifiableList(new ArrayList<>(list))));
        return Collections.unmodifiableMap(copy);
    }

    /** The values of {@code name}, epoch by epoch. */
    public List<Double> get(String name) {
        List<Double> list = values.get(name);
        if (list == null) {
            throw new IllegalArgumentException("no '" + name + "' in this history; it holds " + values.keySet());
        }
        return Collections.unmodifiableList(new ArrayList<>(list));
    }

    /** The number of epochs trained. */
    public int epochs() {
        return values.values().iterator().next().size();
    }

    /**
     * Draws the loss and each metric epoch by epoch, training and validation values together (one
     * panel per quantity, 640 × 480 pixels each, side by side), into the PNG file {@code png}. The
     * file is replaced atomically and its directory created; no display is needed.
     */
    public void plot(Path png) throws IOException {
        Curves.write(this, png);
    }

    @Override
    public String toString() {
        return "History" + values;
    }
}
