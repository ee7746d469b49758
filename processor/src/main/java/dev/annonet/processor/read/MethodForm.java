package dev.annonet.processor.read;

import javax.lang.model.type.TypeMirror;

/** What kind of method a member is, which decides whether the generated model can implement it as a layer. */
public record MethodForm(Body body, int parameterCount, int typeParameterCount, TypeMirror returnType, boolean returnsLayer) {

    /** Whether the interface leaves the method abstract or gives it a body. */
    public enum Body { ABSTRACT, DEFAULT, STATIC, PRIVATE }

    public boolean isAbstract() {
        return body == Body.ABSTRACT;
    }
}
