package dev.annonet.processor.read;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Padding;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @Conv2D(filters, kernel, strides, padding, dilation, activation, thresholds, useBias, from)}. */
public record Conv2DSpec(
        ExecutableElement method,
        AnnotationMirror annotation,
        Attribute<Integer> filters,
        Attribute<List<Integer>> kernel,
        Attribute<List<Integer>> strides,
        Attribute<Padding> padding,
        Attribute<List<Integer>> dilation,
        Attribute<Activation.Kind> activation,
        Attribute<List<Double>> thresholds,
        Attribute<Boolean> useBias,
        Attribute<List<String>> from) implements ImageLayerSpec, ActivatedSpec {

    @Override
    public Attribute<Activation.Kind> activationKind() {
        return activation;
    }

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(filters, kernel, strides, padding, dilation, activation, thresholds, useBias, from);
    }
}
