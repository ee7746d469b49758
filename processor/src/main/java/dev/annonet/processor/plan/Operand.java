package dev.annonet.processor.plan;

/** A kernel argument: a region of one of the buffers. */
public record Operand(Space space, Region region) {
}
