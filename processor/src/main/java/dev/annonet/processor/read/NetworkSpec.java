package dev.annonet.processor.read;

import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * A {@code @Network} declaration as written: the annotated type, the model name it asks for ("" for
 * the default), its members in declaration order (none unless the type is an interface) and the
 * abstract methods it inherits, which the generated model could not implement; the blocks its
 * members use, directly or not.
 */
public record NetworkSpec(
        TypeElement type,
        AnnotationMirror annotation,
        Attribute<String> modelName,
        List<MemberSpec> members,
        List<ExecutableElement> inheritedAbstractMethods,
        Map<TypeElement, BlockSpec> blocks) {

    public Source source() {
        return new Source(type, annotation, null);
    }
}
