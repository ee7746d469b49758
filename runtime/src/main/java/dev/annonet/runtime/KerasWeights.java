package dev.annonet.runtime;

import dev.annonet.runtime.io.KerasH5;
import dev.annonet.runtime.io.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Matches a Keras .h5 weights file to a network by layer name, as Keras's
 * {@code load_weights(by_name=True)} does: a layer's weights go by position (Keras's
 * {@code layer.weights} order: trainable first, then the rest, as annonet lays them out), since
 * the names inside the file vary with the Keras version that wrote it ({@code "block1_conv1/kernel:0"},
 * Keras 1's {@code "block1_conv1_W_1:0"}); where a file's name is one of the layer's weight names,
 * it must be the one at its position. Shapes must be equal (Keras's own layouts: Conv2D kernels
 * (kh, kw, cin, cout), Dense (in, out)).
 *
 * <p>Keras names a layer it was given no name for after its class, numbered in creation order
 * within the session: {@code conv2d}, {@code conv2d_1}, ... (Keras 2.0 to 2.2: {@code conv2d_1},
 * {@code conv2d_2}, ...), so a file written by another session numbers them from elsewhere. Where
 * some of the network's layers named so (a name that is the snake case of the layer's Keras
 * class, alone or with {@code _<n>}; no suffix counts as 0) are not in the file, all of the
 * network's layers of that class named so match the file's layers of the same name pattern in
 * the order of their numbers, the k-th with the k-th, provided both have as many; other layers
 * match by their exact name.
 */
final class KerasWeights {
    /** How many layers or problems an error lists: a file of another network would otherwise list them all. */
    private static final int LISTED = 8;
    private static final System.Logger LOG = System.getLogger("dev.annonet.runtime");

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
            List<String> renumbered = new ArrayList<>();
            Map<String, String> inFile = fileLayers(layers.keySet(), layout, h5.layerNames(), problems, renumbered);
            List<String> missing = new ArrayList<>();
            Map<NetworkLayout.Parameter, KerasH5.Weight> matched = new LinkedHashMap<>();
            for (Map.Entry<String, List<NetworkLayout.Parameter>> layer : layers.entrySet()) {
                String source = inFile.get(layer.getKey());
                if (source == null) {
                    continue;
                }
                if (h5.layerNames().contains(source)) {
                    String described = "'" + layer.getKey() + "'"
                            + (source.equals(layer.getKey()) ? "" : " ('" + source + "' in the file)");
                    match(described, layer.getValue(), h5.weights(source), layout.name(), problems, matched);
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
            for (String shift : renumbered) {
                LOG.log(System.Logger.Level.INFO, file + " into " + layout.name() + ": " + shift);
            }
            return entries;
        }
    }

    /**
     * The file's name of each of {@code layers}: its own, or where the file numbers Keras's
     * automatic names from elsewhere, the one at the same place in the file's order (adding a line
     * for the log to {@code renumbered}); absent, with a problem, where the file has another
     * number of layers named so.
     */
    private static Map<String, String> fileLayers(Set<String> layers, NetworkLayout layout, List<String> fileNames,
                                                  List<String> problems, List<String> renumbered) {
        Map<String, String> names = new LinkedHashMap<>();
        layers.forEach(layer -> names.put(layer, layer));
        Map<String, TreeMap<Integer, String>> automatic = new LinkedHashMap<>();
        for (NetworkLayout.LayerRow row : layout.layers()) {
            String prefix = snakeCase(row.type());
            Integer number = automaticNumber(prefix, row.name());
            if (layers.contains(row.name()) && number != null) {
                automatic.computeIfAbsent(prefix, p -> new TreeMap<>()).put(number, row.name());
            }
        }
        Set<String> present = new HashSet<>(fileNames);
        for (Map.Entry<String, TreeMap<Integer, String>> group : automatic.entrySet()) {
            List<String> ours = List.copyOf(group.getValue().values());
            if (present.containsAll(ours)) {
                continue;
            }
            TreeMap<Integer, String> numbered = new TreeMap<>();
            for (String name : fileNames) {
                Integer number = automaticNumber(group.getKey(), name);
                if (number != null) {
                    numbered.put(number, name);
                }
            }
            List<String> theirs = List.copyOf(numbered.values());
            if (theirs.isEmpty()) {
                continue; // the file lacks the layers: reported as missing
            }
            String pattern = "'" + group.getKey() + "', '" + group.getKey() + "_<n>'";
            if (theirs.size() != ours.size()) {
                problems.add(layout.name() + " has " + ours.size() + " layer(s) named " + pattern + " ("
                        + listed(ours, ", ") + "), the file " + theirs.size() + " (" + listed(theirs, ", ")
                        + "): Keras's automatic names, numbered from elsewhere, match in order only where both"
                        + " have as many");
                ours.forEach(names::remove);
                continue;
            }
            List<String> pairs = new ArrayList<>();
            for (int k = 0; k < ours.size(); k++) {
                names.put(ours.get(k), theirs.get(k));
                pairs.add(ours.get(k) + " from " + theirs.get(k));
            }
            renumbered.add(ours.size() + " layer(s) named " + pattern + " read in the order of their numbers: "
                    + listed(pairs, ", "));
        }
        return names;
    }

    /** {@code n} where {@code name} is {@code <prefix>_<n>}, 0 where it is {@code prefix}, null otherwise. */
    private static Integer automaticNumber(String prefix, String name) {
        Matcher m = Pattern.compile(Pattern.quote(prefix) + "(?:_([1-9][0-9]{0,8}))?").matcher(name);
        return !m.matches() ? null : m.group(1) == null ? 0 : Integer.valueOf(m.group(1));
    }

    /**
     * Keras's name for a layer of class {@code type} it was given no name for: Conv2D conv2d,
     * BatchNormalization batch_normalization, SeparableConv2D separable_conv2d.
     */
    private static String snakeCase(String type) {
        return type.replaceAll("(.)([A-Z][a-z0-9]+)", "$1_$2").replaceAll("([a-z])([A-Z])", "$1_$2")
                .toLowerCase(Locale.ROOT);
    }

    /** {@code layer}: its name, quoted, and the file's where that differs. */
    private static void match(String layer, List<NetworkLayout.Parameter> parameters, List<KerasH5.Weight> weights,
                              String network, List<String> problems, Map<NetworkLayout.Parameter, KerasH5.Weight> matched) {
        if (weights.size() != parameters.size()) {
            problems.add("layer " + layer + " has " + weights.size() + " weight(s) in the file ("
                    + String.join(", ", weights.stream().map(KerasH5.Weight::name).toList()) + ") but "
                    + parameters.size() + " in " + network + " (" + weightNames(parameters) + ")");
            return;
        }
        List<String> names = parameters.stream().map(KerasWeights::weightOf).toList();
        for (int i = 0; i < parameters.size(); i++) {
            NetworkLayout.Parameter p = parameters.get(i);
            KerasH5.Weight w = weights.get(i);
            if (names.contains(w.baseName()) && !names.get(i).equals(w.baseName())) {
                problems.add("layer " + layer + ": the file's weight " + (i + 1) + " is '" + w.name() + "' where "
                        + network + " has '" + names.get(i) + "'");
            } else if (!Arrays.equals(w.shape(), p.shape())) {
                problems.add("layer " + layer + ", weight '" + names.get(i) + "' ('" + w.name() + "' in the file): "
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
