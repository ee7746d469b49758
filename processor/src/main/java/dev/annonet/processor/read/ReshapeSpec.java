package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @Reshape(shape, from)}. */
public record ReshapeSpec(
        ExecutableElement method,
        AnnotationMirror annotation,
        Attribute<List<Integer>> shape,
        Attribute<List<String>> from) implements ConnectedLayerSpec {

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(shape, from);
    }
}
