package dev.annonet.spark;

import dev.annonet.runtime.Model;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a Spark training returns to the driver: the trained weights (a safetensors file's bytes, as
 * {@code Model.save} writes them) and the History of the training, which every task logged alike.
 */
public final class TrainedModel implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] weights;
    private final Map<String, List<Double>> history;

    TrainedModel(byte[] weights, Map<String, List<Double>> history) {
        this.weights = weights;
        this.history = history;
    }

    /** Keras's History: each logged quantity per epoch ({@code loss}, {@code accuracy}, ...). */
    public Map<String, List<Double>> history() {
        return history;
    }

    /** The weights as a safetensors file's bytes. */
    public byte[] weights() {
        return weights.clone();
    }

    /** Loads the trained weights into {@code model}, an instance of the same network. */
    public void loadInto(Model model) {
        try {
            Path file = Files.createTempFile("annonet-spark-", ".safetensors");
            try {
                Files.write(file, weights);
                model.load(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("loading the weights trained on Spark into " + model + ": " + e.getMessage(), e);
        }
    }

    /** The weights of {@code model} as a safetensors file's bytes. */
    static byte[] weightsOf(Model model) {
        try {
            Path file = Files.createTempFile("annonet-spark-", ".safetensors");
            try {
                model.save(file);
                return Files.readAllBytes(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("saving the weights of " + model + ": " + e.getMessage(), e);
        }
    }
}
