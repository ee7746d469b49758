package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @GlobalMaxPooling2D} or {@code @GlobalAveragePooling2D(from)}. */
public record GlobalPooling2DSpec(ExecutableElement method, AnnotationMirror annotation, boolean max,
                                  Attribute<List<String>> from) implements ImageLayerSpec {

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(from);
    }
}
