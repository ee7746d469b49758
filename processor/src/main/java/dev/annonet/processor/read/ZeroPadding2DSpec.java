package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @ZeroPadding2D(padding, from)}. */
public record ZeroPadding2DSpec(ExecutableElement method, AnnotationMirror annotation,
                                Attribute<List<Integer>> padding, Attribute<List<String>> from) implements ImageLayerSpec {

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(padding, from);
    }
}
