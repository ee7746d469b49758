package dev.annonet.processor.read;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/**
 * One layer annotation on a member, as written: its attributes in the annotation type's order,
 * written or defaulted, each as the Java value of its declared type. The layer's kind gives them
 * meaning. A layer of a {@code @Block} is {@linkplain #expanded expanded} where the block is used:
 * its {@code from} names the network's layers and its parameters hold the use's arguments;
 * {@code usedAt} is that use (null for a network's own layer).
 */
public record LayerSpec(ExecutableElement method, AnnotationMirror annotation, List<Attribute<?>> attributes, Source usedAt) {

    public LayerSpec {
        attributes = List.copyOf(attributes);
    }

    public LayerSpec(ExecutableElement method, AnnotationMirror annotation, List<Attribute<?>> attributes) {
        this(method, annotation, attributes, null);
    }

    /** This layer as a use of its block makes it: {@code attributes} replaced by name, placed at {@code usedAt}. */
    public LayerSpec expanded(List<Attribute<?>> replaced, Source use) {
        List<Attribute<?>> merged = attributes.stream()
                .<Attribute<?>>map(attribute -> replaced.stream()
                        .filter(replacement -> replacement.name().equals(attribute.name()))
                        .findFirst()
                        .orElse(attribute))
                .toList();
        return new LayerSpec(method, annotation, merged, use);
    }

    /** {@code "Dense"} for {@code @Dense}. */
    public String annotationName() {
        return annotation.getAnnotationType().asElement().getSimpleName().toString();
    }

    /**
     * The attribute {@code name}, typed as its kind reads it: {@code Attribute<Integer>} for an
     * {@code int}, {@code Attribute<List<Integer>>} for an {@code int[]}, the enum for an enum.
     */
    @SuppressWarnings("unchecked")
    public <T> Attribute<T> attribute(String name) {
        return (Attribute<T>) attributes.stream()
                .filter(attribute -> attribute.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("@" + annotationName() + " has no attribute " + name));
    }

    /** Whether the layer takes the output of another ({@code from}): every layer but {@code @Input}. */
    public boolean takesInput() {
        return attributes.stream().anyMatch(attribute -> attribute.name().equals("from"));
    }

    /** Names of the input layers; empty: the member declared before this one. */
    public Attribute<List<String>> from() {
        return attribute("from");
    }

    /** Points at the annotation. */
    public Source source() {
        return new Source(method, annotation, null, usedAt);
    }

    /** Points at the attribute's value when the user wrote it, else at the annotation. */
    public Source at(Attribute<?> attribute) {
        return new Source(method, annotation, attribute.written(), usedAt);
    }

    /** The annotation with the given attributes, as in {@code @Reshape(shape = {27, 28})}. */
    public String describe(Attribute<?>... shown) {
        return describe(Stream.of(shown));
    }

    /** The annotation with the attributes the user wrote, {@code from} left out. */
    public String describe() {
        return describe(attributes.stream().filter(a -> a.isWritten() && !a.name().equals("from")));
    }

    private String describe(Stream<Attribute<?>> shown) {
        List<Attribute<?>> list = shown.toList();
        if (list.size() == 1 && list.get(0).name().equals("value")) {
            return "@" + annotationName() + "(" + ValueText.of(list.get(0).value()) + ")";
        }
        return list.stream().map(Attribute::text).collect(Collectors.joining(", ", "@" + annotationName() + "(", ")"));
    }
}
