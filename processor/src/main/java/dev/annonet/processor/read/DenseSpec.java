package dev.annonet.processor.read;

import dev.annonet.dsl.Activation;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @Dense(units, activation, thresholds, useBias, kernel, bias, from)}. */
public record DenseSpec(
        ExecutableElement method,
        AnnotationMirror annotation,
        Attribute<Integer> units,
        Attribute<Activation.Kind> activation,
        Attribute<List<Double>> thresholds,
        Attribute<Boolean> useBias,
        Attribute<List<Float>> kernel,
        Attribute<List<Float>> bias,
        Attribute<List<String>> from) implements ActivatedSpec {

    @Override
    public Attribute<Activation.Kind> activationKind() {
        return activation;
    }

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(units, activation, thresholds, useBias, kernel, bias, from);
    }
}
