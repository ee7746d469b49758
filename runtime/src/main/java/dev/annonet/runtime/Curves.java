package dev.annonet.runtime;

import dev.annonet.runtime.io.AtomicFiles;
import java.awt.AWTError;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A {@link History}'s curves as one PNG: a panel per quantity (the loss, then each metric), side by
 * side, each with its training values and, when fit had validation data, its {@code val_} values,
 * epoch by epoch from 1. Drawn by JFreeChart into an image, so no display is needed.
 */
final class Curves {
    static final int PANEL_WIDTH = 640;
    static final int PANEL_HEIGHT = 480;

    private static final String VALIDATION_PREFIX = "val_";
    private static final Color TRAINING_COLOR = new Color(0x1F77B4);
    private static final Color VALIDATION_COLOR = new Color(0xFF7F0E);
    private static final Color GRID_COLOR = new Color(0xDDDDDD);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 20);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    /** Past this many epochs the points would crowd the lines; only the lines are drawn. */
    private static final int MOST_EPOCHS_WITH_POINTS = 40;

    private Curves() {
    }

    /** Writes the curves of {@code history} to {@code png}, replacing it atomically. */
    static void write(History history, Path png) throws IOException {
        Map<String, List<Double>> values = history.history();
        if (history.epochs() == 0) {
            throw new IllegalStateException("no curves to draw to " + png + ": the history holds no epoch");
        }
        List<JFreeChart> charts = new ArrayList<>();
        panels(values).forEach((quantity, names) -> charts.add(chart(quantity, names, values, history.epochs())));
        BufferedImage image = new BufferedImage(PANEL_WIDTH * charts.size(), PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            for (int i = 0; i < charts.size(); i++) {
                charts.get(i).draw(graphics, new Rectangle2D.Double(i * PANEL_WIDTH, 0, PANEL_WIDTH, PANEL_HEIGHT));
            }
        } catch (RuntimeException | LinkageError | AWTError e) {
            // Java 2D's text needs fontconfig and a font; a machine without them fails deep inside
            throw new IOException("cannot draw the curves for " + png + " (Java 2D needs fontconfig and a font): " + e, e);
        } finally {
            graphics.dispose();
        }
        AtomicFiles.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("this Java runtime has no PNG writer");
            }
        });
    }

    /** Quantity ({@code loss}, {@code accuracy}) to the history's names that belong in its panel, in history order. */
    private static Map<String, List<String>> panels(Map<String, List<Double>> values) {
        Map<String, List<String>> panels = new LinkedHashMap<>();
        for (String name : values.keySet()) {
            String quantity = name.startsWith(VALIDATION_PREFIX) ? name.substring(VALIDATION_PREFIX.length()) : name;
            panels.computeIfAbsent(quantity, q -> new ArrayList<>()).add(name);
        }
        return panels;
    }

    private static JFreeChart chart(String quantity, List<String> names, Map<String, List<Double>> values, int epochCount) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
        for (String name : names) {
            boolean validation = name.startsWith(VALIDATION_PREFIX);
            XYSeries series = new XYSeries(validation ? "validation" : "training");
            List<Double> epochs = values.get(name);
            for (int epoch = 0; epoch < epochs.size(); epoch++) {
                double value = epochs.get(epoch);
                series.add(epoch + 1, Double.isFinite(value) ? value : Double.NaN); // a gap where training diverged
            }
            int index = data.getSeriesCount();
            data.addSeries(series);
            renderer.setSeriesPaint(index, validation ? VALIDATION_COLOR : TRAINING_COLOR);
            renderer.setSeriesStroke(index, new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            renderer.setSeriesShapesVisible(index, epochCount <= MOST_EPOCHS_WITH_POINTS);
        }
        NumberAxis epochAxis = axis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochAxis.setRange(0.5, epochCount + 0.5);
        NumberAxis valueAxis = axis(quantity);
        valueAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, epochAxis, valueAxis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.GRAY);
        plot.setDomainGridlinePaint(GRID_COLOR);
        plot.setRangeGridlinePaint(GRID_COLOR);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);

        JFreeChart chart = new JFreeChart(quantity, TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(10, 10, 10, 16));
        chart.setRenderingHints(new RenderingHints(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON));
        chart.setTextAntiAlias(RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        LegendTitle legend = chart.getLegend();
        legend.setItemFont(LABEL_FONT);
        legend.setFrame(BlockBorder.NONE);
        legend.setPosition(RectangleEdge.TOP);
        return chart;
    }

    private static NumberAxis axis(String label) {
        NumberAxis axis = new NumberAxis(label);
        axis.setLabelFont(LABEL_FONT);
        axis.setTickLabelFont(TICK_FONT);
        return axis;
    }
}
