package dev.annonet.processor.plan;

/**
 * One sample's tensor in the activation arena (its gradient sits at the same offset in the
 * gradient twin). {@code aliasOf} is the tensor whose memory it shares, null when it has its own.
 */
public record ArenaTensor(String name, int offset, int size, ArenaTensor aliasOf) implements Region {
}
