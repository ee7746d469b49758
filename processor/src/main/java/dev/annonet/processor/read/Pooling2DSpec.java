package dev.annonet.processor.read;

import dev.annonet.dsl.Padding;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @MaxPooling2D} or {@code @AveragePooling2D(pool, strides, padding, from)}; empty strides: the pool. */
public record Pooling2DSpec(
        ExecutableElement method,
        AnnotationMirror annotation,
        boolean max,
        Attribute<List<Integer>> pool,
        Attribute<List<Integer>> strides,
        Attribute<Padding> padding,
        Attribute<List<String>> from) implements ImageLayerSpec {

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(pool, strides, padding, from);
    }
}
