package dev.annonet.processor.plan;

/**
 * One sample's tensor in the activation arena of training (its gradient, where backward computes
 * one, has an offset of its own in the gradient arena: {@link NetworkPlan.Gradients}).
 * {@code aliasOf} is the tensor whose memory it shares, null when it has its own. A gradient part
 * (where a later reader of a fanned-out tensor writes its share of the gradient) is a tensor of
 * the gradient arena alone: it has no offset in the activation arena ({@link #NO_OFFSET}).
 */
public record ArenaTensor(String name, int offset, int size, ArenaTensor aliasOf) implements Region {
    /** The offset of a tensor that only the gradient arena holds. */
    static final int NO_OFFSET = -1;

    /** A tensor that only the gradient arena holds. */
    static ArenaTensor gradientOnly(String name, int size) {
        return new ArenaTensor(name, NO_OFFSET, size, null);
    }

    /** Whether the activation arena of training holds the tensor (every tensor but a gradient part). */
    public boolean inActivationArena() {
        return offset != NO_OFFSET;
    }
}
