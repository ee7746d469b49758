package dev.annonet.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats {@link Model#summaryText()}: Keras's table of layers, output shapes and parameter counts. */
final class Summary {
    // Keras's column widths, widened when a name or shape needs more.
    private static final int LAYER_WIDTH = 29;
    private static final int SHAPE_WIDTH = 26;
    private static final int PARAMS_WIDTH = 10;

    private Summary() {
    }

    static String text(NetworkLayout layout) {
        List<String[]> rows = new ArrayList<>();
        for (NetworkLayout.LayerRow row : layout.layers()) {
            rows.add(new String[] {
                " " + row.name() + " (" + row.type() + ")", batchShape(row.outputShape()), Long.toString(row.parameters())});
        }
        int layerWidth = width(rows, 0, LAYER_WIDTH);
        int shapeWidth = width(rows, 1, SHAPE_WIDTH);
        int lineWidth = layerWidth + shapeWidth + width(rows, 2, PARAMS_WIDTH);

        StringBuilder text = new StringBuilder();
        text.append("Model: \"").append(layout.name()).append("\"\n");
        text.append("_".repeat(lineWidth)).append('\n');
        appendRow(text, layerWidth, shapeWidth, " Layer (type)", "Output Shape", "Param #");
        text.append("=".repeat(lineWidth)).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) {
                text.append('\n');
            }
            String[] row = rows.get(i);
            appendRow(text, layerWidth, shapeWidth, row[0], row[1], row[2]);
        }
        text.append("=".repeat(lineWidth)).append('\n');
        long total = layout.parameterSize();
        long trainable = layout.trainableSize();
        text.append(String.format(Locale.ROOT, "Total params: %,d\n", total));
        text.append(String.format(Locale.ROOT, "Trainable params: %,d\n", trainable));
        text.append(String.format(Locale.ROOT, "Non-trainable params: %,d\n", total - trainable));
        text.append("_".repeat(lineWidth)).append('\n');
        return text.toString();
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

    private static void appendRow(StringBuilder text, int layerWidth, int shapeWidth, String layer, String shape, String params) {
        text.append(pad(layer, layerWidth)).append(pad(shape, shapeWidth)).append(params).append('\n');
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
