package dev.annonet.processor.plan;

import dev.annonet.processor.check.WindowGeometry;

/** A layer's window, a constant of the model class; {@code name} is {@code <layer>.window}. */
public record WindowPlan(String name, WindowGeometry geometry) {
}
