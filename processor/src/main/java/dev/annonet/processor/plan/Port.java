package dev.annonet.processor.plan;

import dev.annonet.processor.check.Shape;

/** The network's input or output: its layer, tensor and shape. */
public record Port(String layer, ArenaTensor tensor, Shape shape) {
}
