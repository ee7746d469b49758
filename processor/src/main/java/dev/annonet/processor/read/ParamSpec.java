package dev.annonet.processor.read;

import javax.lang.model.element.AnnotationMirror;

/**
 * One {@code @Param} on a block's member: the parameter {@code name} sets the layer annotation's
 * {@code attribute}, whose declared type is {@code type}.
 */
public record ParamSpec(String name, String attribute, AttributeType type, AnnotationMirror annotation) {

    /** The declared type of the attribute a parameter sets, as far as parameters care. */
    public enum AttributeType { INT, INT_ARRAY, OTHER, MISSING }
}
