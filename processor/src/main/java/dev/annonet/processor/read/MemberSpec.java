package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.ExecutableElement;

/**
 * A method of a {@code @Network} (or {@code @Block}) interface that is abstract or carries layer
 * annotations: a layer when it is well formed. {@code layers} holds every layer annotation found
 * on it (one when valid). {@code use} is there when the method returns a {@code @Block} interface
 * (null otherwise); {@code params} are the member's {@code @Param} annotations.
 */
public record MemberSpec(ExecutableElement method, String name, MethodForm form, List<LayerSpec> layers, UseSpec use,
                         List<ParamSpec> params) {

    public boolean usesBlock() {
        return use != null;
    }
}
