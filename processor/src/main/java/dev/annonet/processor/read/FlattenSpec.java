package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @Flatten(from)}. */
public record FlattenSpec(ExecutableElement method, AnnotationMirror annotation, Attribute<List<String>> from)
        implements ConnectedLayerSpec {

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(from);
    }
}
