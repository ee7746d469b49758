package dev.annonet.processor.plan;

/** A dropout layer's rate and the declaration index its seed derives from; {@code name} is {@code <layer>.rate}. */
public record DropoutPlan(String name, int layerIndex, double rate) {
}
