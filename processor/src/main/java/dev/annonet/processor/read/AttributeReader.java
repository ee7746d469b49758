package dev.annonet.processor.read;

import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Reads the attributes of one annotation as the Java values their declared types promise (an
 * {@code int[]} as a {@code List<Integer>}, an enum constant as the constant), keeping the values
 * the user wrote for messages.
 */
final class AttributeReader {
    private final AnnotationMirror mirror;
    private final Elements elements;
    private final Map<? extends ExecutableElement, ? extends AnnotationValue> written;
    private final Map<? extends ExecutableElement, ? extends AnnotationValue> withDefaults;

    AttributeReader(AnnotationMirror mirror, Elements elements) {
        this.mirror = mirror;
        this.elements = elements;
        this.written = mirror.getElementValues();
        this.withDefaults = elements.getElementValuesWithDefaults(mirror);
    }

    <T> Attribute<T> single(String name, Class<T> type) {
        return new Attribute<>(name, cast(valueOf(name), type, name), find(written, name));
    }

    /** A {@code String[]} attribute as a list. */
    Attribute<List<String>> strings(String name) {
        List<String> values = cast(valueOf(name), List.class, name).stream()
                .map(element -> cast(cast(element, AnnotationValue.class, name).getValue(), String.class, name))
                .toList();
        return new Attribute<>(name, values, find(written, name));
    }

    /** Every attribute in the annotation type's order. */
    List<Attribute<?>> all() {
        return ElementFilter.methodsIn(annotationType().getEnclosedElements()).stream()
                .map(this::attribute)
                .toList();
    }

    /** The attribute {@code name}, typed as {@link #all} types it; its type must be a simple value or an array of them. */
    Attribute<?> named(String name) {
        return ElementFilter.methodsIn(annotationType().getEnclosedElements()).stream()
                .filter(element -> element.getSimpleName().contentEquals(name))
                .findFirst()
                .map(this::attribute)
                .orElseThrow(() -> new MalformedAnnotationException(name));
    }

    /** The annotations in the array attribute {@code name}, each as its value inside the array. */
    List<AnnotationValue> annotations(String name) {
        return cast(valueOf(name), List.class, name).stream()
                .map(element -> cast(element, AnnotationValue.class, name))
                .toList();
    }

    private Attribute<?> attribute(ExecutableElement element) {
        String name = element.getSimpleName().toString();
        return new Attribute<>(name, convert(valueOf(name), element.getReturnType(), name), find(written, name));
    }

    private TypeElement annotationType() {
        return (TypeElement) mirror.getAnnotationType().asElement();
    }

    /** {@code value} (an annotation value's content) as the Java value of {@code type}. */
    private Object convert(Object value, TypeMirror type, String name) {
        switch (type.getKind()) {
            case INT:
                return cast(value, Integer.class, name);
            case LONG:
                return cast(value, Long.class, name);
            case FLOAT:
                return cast(value, Float.class, name);
            case DOUBLE:
                return cast(value, Double.class, name);
            case BOOLEAN:
                return cast(value, Boolean.class, name);
            case ARRAY:
                TypeMirror component = ((ArrayType) type).getComponentType();
                return cast(value, List.class, name).stream()
                        .map(element -> convert(cast(element, AnnotationValue.class, name).getValue(), component, name))
                        .toList();
            case DECLARED:
                TypeElement declared = (TypeElement) ((DeclaredType) type).asElement();
                return declared.getKind() == ElementKind.ENUM
                        ? constant(cast(value, VariableElement.class, name), declared, name)
                        : cast(value, String.class, name);
            default:
                throw new MalformedAnnotationException(name);
        }
    }

    /** The enum constant itself: the dsl's enums are on the processor's class path. */
    private Enum<?> constant(VariableElement constant, TypeElement enumType, String name) {
        try {
            Class<?> type = Class.forName(elements.getBinaryName(enumType).toString(), false,
                    AttributeReader.class.getClassLoader());
            for (Object value : type.getEnumConstants()) {
                if (((Enum<?>) value).name().contentEquals(constant.getSimpleName())) {
                    return (Enum<?>) value;
                }
            }
        } catch (ClassNotFoundException e) {
            throw new MalformedAnnotationException(name);
        }
        throw new MalformedAnnotationException(name);
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
