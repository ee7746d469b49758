package dev.annonet.runtime;

import dev.annonet.runtime.io.KerasH5;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matches a Keras .h5 weights file to a network by layer name, as Keras's
 * {@code load_weights(by_name=True)} does: a layer's weights go by position (Keras's
 * {@code layer.weights} order: trainable first, then the rest, as annonet lays them out), since
 * the names inside the file vary with the Keras version that wrote it ({@code "block1_conv1/kernel:0"},
 * Keras 1's {@code "block1_conv1_W_1:0"}); where a file's name is one of the layer's weight names,
 * it must be the one at its position. Shapes must be equal (Keras's own layouts: Conv2D kernels
 * (kh, kw, cin, cout), Dense (in, out)).
 */
final class KerasWeights {
    /** How many layers or problems an error lists: a file of another network would otherwise list them all. */
    private static final int LISTED = 8;

    private KerasWeights() {
    }

    /**
     * The model's every weight, by {@link Model#save}'s names, read from {@code file}; an
     * IllegalArgumentException listing the problems (the first few) where the file does not fit the network.
     */
    static Map<String, SafeTensors.Entry> read(Path file, NetworkLayout layout) throws IOException {
        Map<String, List<NetworkLayout.Parameter>> layers = new LinkedHashMap<>();
        for (NetworkLayout.Parameter p : layout.parameters()) {
            layers.computeIfAbsent(layerOf(p), layer -> new ArrayList<>()).add(p);
        }
        try (KerasH5 h5 = KerasH5.open(file)) {
            List<String> problems = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            Map<NetworkLayout.Parameter, KerasH5.Weight> matched = new LinkedHashMap<>();
            for (Map.Entry<String, List<NetworkLayout.Parameter>> layer : layers.entrySet()) {
                if (h5.layerNames().contains(layer.getKey())) {
                    match(layer.getKey(), layer.getValue(), h5.weights(layer.getKey()), layout.name(), problems, matched);
                } else {
                    missing.add("'" + layer.getKey() + "' (" + weightNames(layer.getValue()) + ")");
                }
            }
            if (!missing.isEmpty()) {
                problems.add(0, (missing.size() == 1 ? "layer " + missing.get(0) + " is" : missing.size() + " layers, "
                        + listed(missing, ", ") + ", are") + " not in the file (it has " + h5.layerNames().size()
                        + " layers: " + listed(h5.layerNames(), ", ") + ")");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(file + " does not fit " + layout.name() + ": " + listed(problems, "; "));
            }
            Map<String, SafeTensors.Entry> entries = new LinkedHashMap<>();
            for (Map.Entry<NetworkLayout.Parameter, KerasH5.Weight> m : matched.entrySet()) {
                NetworkLayout.Parameter p = m.getKey();
                entries.put(p.name(), new SafeTensors.Entry(p.name(), p.shape(), h5.read(m.getValue())));
            }
            return entries;
        }
    }

    private static void match(String layer, List<NetworkLayout.Parameter> parameters, List<KerasH5.Weight> weights,
                              String network, List<String> problems, Map<NetworkLayout.Parameter, KerasH5.Weight> matched) {
        if (weights.size() != parameters.size()) {
            problems.add("layer '" + layer + "' has " + weights.size() + " weight(s) in the file ("
                    + String.join(", ", weights.stream().map(KerasH5.Weight::name).toList()) + ") but "
                    + parameters.size() + " in " + network + " (" + weightNames(parameters) + ")");
            return;
        }
        List<String> names = parameters.stream().map(KerasWeights::weightOf).toList();
        for (int i = 0; i < parameters.size(); i++) {
            NetworkLayout.Parameter p = parameters.get(i);
            KerasH5.Weight w = weights.get(i);
            if (names.contains(w.baseName()) && !names.get(i).equals(w.baseName())) {
                problems.add("layer '" + layer + "': the file's weight " + (i + 1) + " is '" + w.name() + "' where "
                        + network + " has '" + names.get(i) + "'");
            } else if (!Arrays.equals(w.shape(), p.shape())) {
                problems.add("layer '" + layer + "', weight '" + names.get(i) + "' ('" + w.name() + "' in the file): "
                        + network + " expects shape " + Arrays.toString(p.shape()) + ", the file has "
                        + Arrays.toString(w.shape()));
            } else {
                matched.put(p, w);
            }
        }
    }

    private static String layerOf(NetworkLayout.Parameter p) {
        return p.name().substring(0, p.name().lastIndexOf('.'));
    }

    private static String weightOf(NetworkLayout.Parameter p) {
        return p.name().substring(p.name().lastIndexOf('.') + 1);
    }

    private static String weightNames(List<NetworkLayout.Parameter> parameters) {
        return String.join(", ", parameters.stream().map(KerasWeights::weightOf).toList());
    }

    /** The first {@link #LISTED} of {@code items}, then "..." for the rest. */
    private static String listed(List<String> items, String separator) {
        String shown = String.join(separator, items.subList(0, Math.min(items.size(), LISTED)));
        return items.size() > LISTED ? shown + separator + "..." : shown;
    }
}
