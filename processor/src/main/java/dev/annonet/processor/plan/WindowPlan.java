package dev.annonet.processor.plan;

import dev.annonet.contract.Window2D;

/** A layer's window, a constant of the model class; {@code name} is {@code <layer>.window}. */
public record WindowPlan(String name, Window2D geometry) {
}
