package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @Dropout(rate, from)}. */
public record DropoutSpec(
        ExecutableElement method,
        AnnotationMirror annotation,
        Attribute<Double> rate,
        Attribute<List<String>> from) implements ConnectedLayerSpec {

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(rate, from);
    }
}
