package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @Input(shape)}. */
public record InputSpec(ExecutableElement method, AnnotationMirror annotation, Attribute<List<Integer>> shape)
        implements LayerSpec {

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(shape);
    }
}
