package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.ExecutableElement;

/**
 * A method of a {@code @Network} interface that is abstract or carries layer annotations: a layer
 * when it is well formed. {@code layers} holds every layer annotation found on it (one when valid).
 */
public record MemberSpec(ExecutableElement method, String name, MethodForm form, List<LayerSpec> layers) {
}
