package dev.annonet.processor.read;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * Where a diagnostic points: an element and, when known, the annotation on it and the value
 * inside that annotation, so that javac underlines exactly what the user wrote.
 */
public record Source(Element element, AnnotationMirror annotation, AnnotationValue value) {

    public static Source of(Element element) {
        return new Source(element, null, null);
    }
}
