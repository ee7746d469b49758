package dev.annonet.processor.read;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** One layer annotation on a member, as written. */
public sealed interface LayerSpec permits InputSpec, ConnectedLayerSpec {

    /** The annotated member. */
    ExecutableElement method();

    AnnotationMirror annotation();

    /** All attributes in the annotation type's order, written or defaulted. */
    List<Attribute<?>> attributes();

    /** {@code "Dense"} for {@code @Dense}. */
    default String annotationName() {
        return annotation().getAnnotationType().asElement().getSimpleName().toString();
    }

    /** Points at the annotation. */
    default Source source() {
        return new Source(method(), annotation(), null);
    }

    /** Points at the attribute's value when the user wrote it, else at the annotation. */
    default Source at(Attribute<?> attribute) {
        return new Source(method(), annotation(), attribute.written());
    }

    /** The annotation with the given attributes, as in {@code @Reshape(shape = {27, 28})}. */
    default String describe(Attribute<?>... shown) {
        return describe(Stream.of(shown));
    }

    /** The annotation with the attributes the user wrote, {@code from} left out. */
    default String describe() {
        return describe(attributes().stream().filter(a -> a.isWritten() && !a.name().equals("from")));
    }

    private String describe(Stream<Attribute<?>> shown) {
        List<Attribute<?>> list = shown.toList();
        if (list.size() == 1 && list.get(0).name().equals("value")) {
            return "@" + annotationName() + "(" + ValueText.of(list.get(0).value()) + ")";
        }
        return list.stream().map(Attribute::text).collect(Collectors.joining(", ", "@" + annotationName() + "(", ")"));
    }
}
