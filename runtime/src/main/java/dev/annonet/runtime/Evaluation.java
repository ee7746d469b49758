package dev.annonet.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@link Model#evaluate} returns: the loss and each metric, by name, and the confusion matrix. */
public final class Evaluation {
    private final Map<String, Double> values;
    private final ConfusionMatrix confusionMatrix;

    /** {@code confusionMatrix}: null when the output has more than {@link ConfusionMatrix#MAX_CLASSES} classes. */
    Evaluation(Map<String, Double> values, ConfusionMatrix confusionMatrix) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.confusionMatrix = confusionMatrix;
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

    /**
     * The counts of true class against predicted class over the evaluated samples, counted as
     * {@code accuracy} counts them whatever the compiled metrics (for binary outputs, 2 × 2). The
     * outputs are read back to the host batch by batch for it: on a GPU one copy and wait a batch,
     * as evaluate's loss already takes. Kept for a single output of up to 1,024 classes.
     */
    public ConfusionMatrix confusionMatrix() {
        if (confusionMatrix == null) {
            throw new IllegalStateException("no confusion matrix: evaluate keeps one for a network with one output of"
                    + " up to " + ConfusionMatrix.MAX_CLASSES + " classes");
        }
        return confusionMatrix;
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
