package dev.annonet.processor.read;

import javax.lang.model.element.AnnotationValue;

/**
 * One attribute of a layer annotation: its value (the default when the user left it out) and the
 * {@link AnnotationValue} the user wrote, null when defaulted.
 */
public record Attribute<T>(String name, T value, AnnotationValue written) {

    public boolean isWritten() {
        return written != null;
    }

    /** The attribute as the user would write it: {@code units = 512}, {@code shape = {28, 28}}. */
    public String text() {
        return name + " = " + ValueText.of(value);
    }
}
