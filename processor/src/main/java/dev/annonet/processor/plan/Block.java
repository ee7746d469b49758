package dev.annonet.processor.plan;

import java.util.List;

/**
 * A layer's part of a pass, with the comment that ties it to the declaration. A backward block
 * after which the gradients of every trainable parameter from {@code gradientsFinalFrom} on are
 * final (no later block writes them) names that parameter; otherwise it is null.
 */
public record Block(String comment, List<Op> ops, ParameterSlot gradientsFinalFrom) {

    /** This block, telling that the gradients from {@code parameter} on are final after it. */
    Block finishing(ParameterSlot parameter) {
        return new Block(comment, ops, parameter);
    }
}
