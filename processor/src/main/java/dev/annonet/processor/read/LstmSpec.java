package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;

/** {@code @LSTM(units, returnSequences, from)}. */
public record LstmSpec(
        ExecutableElement method,
        AnnotationMirror annotation,
        Attribute<Integer> units,
        Attribute<Boolean> returnSequences,
        Attribute<List<String>> from) implements ConnectedLayerSpec {

    @Override
    public List<Attribute<?>> attributes() {
        return List.of(units, returnSequences, from);
    }
}
