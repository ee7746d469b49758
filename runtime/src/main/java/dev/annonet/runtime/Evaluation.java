package dev.annonet.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@link Model#evaluate} returns: the loss and each metric, by name. */
public final class Evaluation {
    private final Map<String, Double> values;

    Evaluation(Map<String, Double> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public double loss() {
        return values.get("loss");
    }

    /** The value of {@code loss} or of a metric such as {@code accuracy}. */
    public double get(String name) {
        Double value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no '" + name + "' in this evaluation; it holds " + values.keySet());
        }
        return value;
    }

    /** Loss first, then the metrics in compile order. */
    public Map<String, Double> asMap() {
        return values;
    }

    /** As Keras prints it: {@code loss: 0.1093 - accuracy: 0.9665}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        values.forEach((name, value) -> ProgressBar.appendValue(text, name, value));
        return text.toString();
    }
}
