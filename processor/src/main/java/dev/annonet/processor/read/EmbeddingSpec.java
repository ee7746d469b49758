package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @Embedding(inputDim, outputDim, from)}. */
public record EmbeddingSpec(
        ExecutableElement method,
        AnnotationMirror annotation,
        Attribute<Integer> inputDim,
        Attribute<Integer> outputDim,
        Attribute<List<String>> from) implements ConnectedLayerSpec {

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(inputDim, outputDim, from);
    }
}
