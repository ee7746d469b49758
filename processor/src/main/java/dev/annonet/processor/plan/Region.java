package dev.annonet.processor.plan;

/** A named region of a buffer: a tensor of the activation arena or a parameter. */
public sealed interface Region permits ArenaTensor, ParameterSlot {

    /** {@code hidden.z}, {@code hidden.kernel}: the layer's name and what the region holds. */
    String name();

    /** In the arena, per sample (the tensor of a batch starts at batch × offset); in the parameter buffer, absolute. */
    int offset();
}
