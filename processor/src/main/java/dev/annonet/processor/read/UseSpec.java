package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.TypeElement;

/**
 * A member whose type is a {@code @Block} interface: the block, and its {@code @Use} annotation
 * (null when left out) with what it is applied to ({@code from}, empty: the member before) and
 * its arguments.
 */
public record UseSpec(TypeElement block, AnnotationMirror annotation, Attribute<List<String>> from, List<ArgSpec> args) {

    /** One {@code @Arg(name = ..., value = ...)}; {@code written} is its value inside {@code args}. */
    public record ArgSpec(String name, List<Integer> values, AnnotationValue written) {
    }
}
