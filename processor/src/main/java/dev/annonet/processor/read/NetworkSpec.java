package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * A {@code @Network} declaration as written: the annotated type, the model name it asks for ("" for
 * the default), its members in declaration order (none unless the type is an interface) and the
 * abstract methods it inherits, which the generated model could not implement.
 */
public record NetworkSpec(
        TypeElement type,
        AnnotationMirror annotation,
        Attribute<String> modelName,
        List<MemberSpec> members,
        List<ExecutableElement> inheritedAbstractMethods) {

    public Source source() {
        return new Source(type, annotation, null);
    }
}
