package dev.annonet.processor.plan;

import java.util.List;

/** A layer's part of a pass, with the comment that ties it to the declaration. */
public record Block(String comment, List<Op> ops) {
}
