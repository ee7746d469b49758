package dev.annonet.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Formats {@link Model#summaryText()}: Keras's table of layers, output shapes and parameter counts,
 * and for a network that is not a chain its functional layout, with the layers each one reads
 * ("Connected to", {@code name[0][0]} as Keras names a layer's first output).
 */
final class Summary {
    // Keras's column widths, widened when a name or shape needs more.
    private static final int LAYER_WIDTH = 29;
    private static final int SHAPE_WIDTH = 26;
    private static final int PARAMS_WIDTH = 10;
    // Keras's functional layout: 98 columns at 33%, 55% and 67%.
    private static final int FUNCTIONAL_LAYER_WIDTH = 32;
    private static final int FUNCTIONAL_SHAPE_WIDTH = 21;
    private static final int FUNCTIONAL_PARAMS_WIDTH = 12;
    private static final int CONNECTED_WIDTH = 33;

    private Summary() {
    }

    static String text(NetworkLayout layout) {
        boolean functional = layout.layers().stream().anyMatch(row -> !row.inputs().isEmpty());
        List<String[]> rows = new ArrayList<>();
        for (NetworkLayout.LayerRow row : layout.layers()) {
            rows.add(new String[] {" " + row.name() + " (" + row.type() + ")", batchShape(row.outputShape()),
                Long.toString(row.parameters()), connections(row)});
        }
        int[] widths = functional
                ? new int[] {width(rows, 0, FUNCTIONAL_LAYER_WIDTH), width(rows, 1, FUNCTIONAL_SHAPE_WIDTH),
                    width(rows, 2, FUNCTIONAL_PARAMS_WIDTH), width(rows, 3, CONNECTED_WIDTH)}
                : new int[] {width(rows, 0, LAYER_WIDTH), width(rows, 1, SHAPE_WIDTH), width(rows, 2, PARAMS_WIDTH)};
        int lineWidth = IntStream.of(widths).sum();

        StringBuilder text = new StringBuilder();
        text.append("Model: \"").append(layout.name()).append("\"\n");
        text.append("_".repeat(lineWidth)).append('\n');
        appendRow(text, widths, new String[] {" Layer (type)", "Output Shape", "Param #", "Connected to"});
        text.append("=".repeat(lineWidth)).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) {
                text.append('\n');
            }
            appendRow(text, widths, rows.get(i));
        }
        text.append("=".repeat(lineWidth)).append('\n');
        long total = layout.parameterSize();
        long trainable = layout.trainableSize();
        text.append(String.format(Locale.ROOT, "Total params: %,d\n", total));
        text.append(String.format(Locale.ROOT, "Trainable params: %,d\n", trainable));
        text.append(String.format(Locale.ROOT, "Non-trainable params: %,d\n", total - trainable));
        text.append(String.format(Locale.ROOT, "Batch memory per sample: %s for training, %s for prediction (float32)\n",
                ResourceExhaustedException.bytes(Arena.valuesPerSample(layout, Arena.Use.TRAIN) * Float.BYTES),
                ResourceExhaustedException.bytes(Arena.valuesPerSample(layout, Arena.Use.PREDICT) * Float.BYTES)));
        text.append("_".repeat(lineWidth)).append('\n');
        return text.toString();
    }

    /** {@code conv2d_1[0][0], add[0][0]}: every layer is called once, so each has one output node. */
    private static String connections(NetworkLayout.LayerRow row) {
        return row.inputs().stream().map(input -> input + "[0][0]").collect(Collectors.joining(", "));
    }

    /** A sample shape with Keras's symbolic batch axis: {@code (None, 28, 28, 1)}. */
    static String batchShape(int[] shape) {
        StringBuilder text = new StringBuilder("(None");
        for (int d : shape) {
            text.append(", ").append(d);
        }
        return text.append(')').toString();
    }

    private static int width(List<String[]> rows, int column, int minimum) {
        int width = minimum;
        for (String[] row : rows) {
            width = Math.max(width, row[column].length() + 2);
        }
        return width;
    }

    /** The row's cells, each padded to its column but the last; no spaces end the line. */
    private static void appendRow(StringBuilder text, int[] widths, String[] cells) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < widths.length - 1; column++) {
            line.append(pad(cells[column], widths[column]));
        }
        text.append(line.append(cells[widths.length - 1]).toString().stripTrailing()).append('\n');
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
