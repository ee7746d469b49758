package dev.annonet.processor.read;

import dev.annonet.dsl.Activation;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @Activation(value, thresholds, from)}. */
public record ActivationSpec(
        ExecutableElement method,
        AnnotationMirror annotation,
        Attribute<Activation.Kind> value,
        Attribute<List<Double>> thresholds,
        Attribute<List<String>> from) implements ActivatedSpec {

    @Override
    public Attribute<Activation.Kind> activationKind() {
        return value;
    }

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(value, thresholds, from);
    }
}
