package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @BatchNormalization(momentum, epsilon, from)}. */
public record BatchNormalizationSpec(
        ExecutableElement method,
        AnnotationMirror annotation,
        Attribute<Double> momentum,
        Attribute<Double> epsilon,
        Attribute<List<String>> from) implements ConnectedLayerSpec {

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(momentum, epsilon, from);
    }
}
