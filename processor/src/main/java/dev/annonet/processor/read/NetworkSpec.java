package dev.annonet.processor.read;

import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * A {@code @Network} declaration as written: the annotated type, the model name it asks for ("" for
 * the default), the outputs it names (none: the last layer), its members in declaration order (none
 * unless the type is an interface), the abstract methods it inherits, which the generated model could
 * not implement, and the blocks its members use, directly or not.
 */
public record NetworkSpec(
        TypeElement type,
        AnnotationMirror annotation,
        Attribute<String> modelName,
        Attribute<List<String>> outputs,
        List<MemberSpec> members,
        List<ExecutableElement> inheritedAbstractMethods,
        Map<TypeElement, BlockSpec> blocks) {

    public Source source() {
        return new Source(type, annotation, null);
    }

    /** Where the {@code index}-th name of {@code outputs} is written (the attribute itself when it cannot tell). */
    public Source outputAt(int index) {
        if (outputs.written() != null && outputs.written().getValue() instanceof List<?> written
                && index < written.size() && written.get(index) instanceof AnnotationValue value) {
            return new Source(type, annotation, value);
        }
        return new Source(type, annotation, outputs.written());
    }
}
