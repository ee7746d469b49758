package dev.annonet.processor.read;

import dev.annonet.dsl.Activation;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/** Reads the attributes of one annotation, keeping the values the user wrote for messages. */
final class AttributeReader {
    private final Map<? extends ExecutableElement, ? extends AnnotationValue> written;
    private final Map<? extends ExecutableElement, ? extends AnnotationValue> withDefaults;

    AttributeReader(AnnotationMirror mirror, Elements elements) {
        this.written = mirror.getElementValues();
        this.withDefaults = elements.getElementValuesWithDefaults(mirror);
    }

    <T> Attribute<T> single(String name, Class<T> type) {
        return new Attribute<>(name, cast(valueOf(name), type, name), find(written, name));
    }

    <T> Attribute<List<T>> list(String name, Class<T> elementType) {
        List<?> elements = cast(valueOf(name), List.class, name);
        List<T> values = elements.stream()
                .map(element -> cast(cast(element, AnnotationValue.class, name).getValue(), elementType, name))
                .toList();
        return new Attribute<>(name, values, find(written, name));
    }

    Attribute<Activation.Kind> kind(String name) {
        Attribute<VariableElement> constant = single(name, VariableElement.class);
        try {
            Activation.Kind kind = Activation.Kind.valueOf(constant.value().getSimpleName().toString());
            return new Attribute<>(name, kind, constant.written());
        } catch (IllegalArgumentException e) {
            throw new MalformedAnnotationException(name);
        }
    }

    /** The value in effect, written or default; a missing required value is javac's error to report. */
    private Object valueOf(String name) {
        AnnotationValue value = find(withDefaults, name);
        if (value == null) {
            throw new MalformedAnnotationException(name);
        }
        return value.getValue();
    }

    /** The value of the attribute {@code name}, null when absent. */
    private static AnnotationValue find(Map<? extends ExecutableElement, ? extends AnnotationValue> values, String name) {
        for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry : values.entrySet()) {
            if (entry.getKey().getSimpleName().contentEquals(name)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private static <T> T cast(Object value, Class<T> type, String name) {
        if (!type.isInstance(value)) {
            throw new MalformedAnnotationException(name);
        }
        return type.cast(value);
    }
}
