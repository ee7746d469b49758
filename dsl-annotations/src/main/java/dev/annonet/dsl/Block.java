package dev.annonet.dsl;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A reusable group of layers. Put it on an interface whose abstract methods are layers, as a
 * {@link Network}'s are (a member may also be another block). A network uses the block with a
 * member whose type is the interface; the processor puts the block's layers in its place, each
 * named after the use and the member: {@code conv2_block1} of a block with the member
 * {@code _1_conv} has the layer {@code conv2_block1_1_conv} (a leading underscore lets a Keras
 * name start with a digit).
 *
 * <p>The first member takes what the block is applied to: the member declared before the use, or
 * the use's {@link Use#from}. Inside the block, {@code from} names the block's members, and
 * {@code "input"} what the block is applied to. The block's output is its last member. Members
 * marked with {@link Param} take values given where the block is used ({@link Use#args}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Block {
    /** What {@code from} names, inside a block, for the layer the block is applied to. */
    String INPUT = "input";
}
