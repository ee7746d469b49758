package dev.annonet.processor.read;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;

/**
 * Where a diagnostic points: an element and, when known, the annotation on it and the value
 * inside that annotation, so that javac underlines exactly what the user wrote. {@code usedAt},
 * for a place inside a {@code @Block}, is the member that uses the block (itself inside another
 * block when blocks nest); null elsewhere.
 */
public record Source(Element element, AnnotationMirror annotation, AnnotationValue value, Source usedAt) {

    public Source(Element element, AnnotationMirror annotation, AnnotationValue value) {
        this(element, annotation, value, null);
    }

    public static Source of(Element element) {
        return new Source(element, null, null);
    }
}
