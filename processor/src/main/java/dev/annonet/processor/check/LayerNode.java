package dev.annonet.processor.check;

import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;

/** A member with a layer annotation, the unit of the graph checks; {@code index} is its declaration index. */
public record LayerNode(int index, String name, LayerSpec spec) {

    /** Reports {@code message}, prefixed with the layer's name, at the annotation. */
    public void error(Diagnostics diagnostics, String message) {
        diagnostics.error(spec.source(), name + ": " + message);
    }

    /** Reports {@code message}, prefixed with the layer's name, at the attribute's value. */
    public void error(Diagnostics diagnostics, Attribute<?> at, String message) {
        diagnostics.error(spec.at(at), name + ": " + message);
    }

    /** Reports {@code message} about the attribute, written as {@code @Kind(name = value) message}. */
    public void errorAbout(Diagnostics diagnostics, Attribute<?> at, String message) {
        error(diagnostics, at, spec.describe(at) + " " + message);
    }
}
