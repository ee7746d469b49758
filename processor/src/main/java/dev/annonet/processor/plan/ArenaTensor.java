package dev.annonet.processor.plan;

/**
 * One sample's tensor in the activation arena of training (its gradient, where backward computes
 * one, has an offset of its own in the gradient arena: {@link NetworkPlan.Gradients}).
 * {@code aliasOf} is the tensor whose memory it shares, null when it has its own.
 */
public record ArenaTensor(String name, int offset, int size, ArenaTensor aliasOf) implements Region {
}
