package dev.annonet.runtime;

import dev.annonet.runtime.callbacks.Logs;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link Logs} over an array the trainer fills in place, so a batch's logs allocate nothing. */
final class LogValues implements Logs {
    private final List<String> names;
    private final double[] values;

    LogValues(List<String> names) {
        this.names = Collections.unmodifiableList(List.copyOf(names));
        this.values = new double[names.size()];
    }

    /** Takes the running values of {@code tally} (loss first, then the metrics) from index {@code first} on. */
    LogValues set(int first, Tally tally) {
        for (int i = 0; i < tally.size(); i++) {
            values[first + i] = tally.value(i);
        }
        return this;
    }

    @Override
    public List<String> names() {
        return names;
    }

    @Override
    public double get(String name) {
        int index = names.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("no '" + name + "' in these logs; they hold " + names);
        }
        return values[index];
    }

    @Override
    public Map<String, Double> toMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            map.put(names.get(i), values[i]);
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
