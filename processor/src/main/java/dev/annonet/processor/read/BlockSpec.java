package dev.annonet.processor.read;

import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/** A {@code @Block} type as written: its members in declaration order and the abstract methods it inherits. */
public record BlockSpec(TypeElement type, List<MemberSpec> members, List<ExecutableElement> inheritedAbstractMethods) {
}
