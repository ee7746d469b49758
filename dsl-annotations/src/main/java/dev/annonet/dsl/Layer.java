package dev.annonet.dsl;

/**
 * What a layer member of a {@link Network} interface returns. The generated model implements
 * the interface and returns, for each member, a view of that layer: its name, its output shape
 * and, for layers with weights, typed access to them.
 */
public interface Layer {
    /** The member's name, which also names the layer's weights ({@code hidden.kernel}). */
    String name();

    /** Output shape of one sample (the batch dimension left out). */
    int[] outputShape();
}
