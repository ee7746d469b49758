package dev.annonet.processor.read;

import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Turns a {@code @Network} type into a {@link NetworkSpec}, judging nothing. */
public final class NetworkReader {
    private final Elements elements;
    private final Types types;
    private final TypeMirror layerType;

    public NetworkReader(Elements elements, Types types) {
        this.elements = elements;
        this.types = types;
        this.layerType = elements.getTypeElement(Layer.class.getCanonicalName()).asType();
    }

    /** The declaration, or empty when one of its annotation values is malformed (javac reports those). */
    public Optional<NetworkSpec> read(TypeElement type) {
        try {
            AnnotationMirror network = networkAnnotation(type);
            AttributeReader attributes = new AttributeReader(network, elements);
            Attribute<String> modelName = attributes.single("name", String.class);
            boolean isInterface = type.getKind() == ElementKind.INTERFACE;
            return Optional.of(new NetworkSpec(type, network, modelName, attributes.strings("outputs"),
                    isInterface ? members(type) : List.of(),
                    isInterface ? inheritedAbstractMethods(type) : List.of()));
        } catch (MalformedAnnotationException e) {
            return Optional.empty();
        }
    }

    private static AnnotationMirror networkAnnotation(TypeElement type) {
        return type.getAnnotationMirrors().stream()
                .filter(m -> ((TypeElement) m.getAnnotationType().asElement()).getQualifiedName()
                        .contentEquals(Network.class.getCanonicalName()))
                .findFirst()
                .orElseThrow();
    }

    private List<MemberSpec> members(TypeElement type) {
        return ElementFilter.methodsIn(type.getEnclosedElements()).stream()
                .map(this::member)
                .filter(member -> member.form().isAbstract() || !member.layers().isEmpty())
                .toList();
    }

    private MemberSpec member(ExecutableElement method) {
        List<LayerSpec> layers = LayerAnnotations.on(method).stream()
                .map(mirror -> LayerAnnotations.read(method, mirror, elements))
                .toList();
        return new MemberSpec(method, method.getSimpleName().toString(), form(method), layers);
    }

    private MethodForm form(ExecutableElement method) {
        TypeMirror returnType = method.getReturnType();
        return new MethodForm(body(method), method.getParameters().size(), method.getTypeParameters().size(),
                returnType, types.isSameType(returnType, layerType));
    }

    private static MethodForm.Body body(ExecutableElement method) {
        if (method.getModifiers().contains(Modifier.ABSTRACT)) {
            return MethodForm.Body.ABSTRACT;
        }
        if (method.isDefault()) {
            return MethodForm.Body.DEFAULT;
        }
        return method.getModifiers().contains(Modifier.STATIC) ? MethodForm.Body.STATIC : MethodForm.Body.PRIVATE;
    }

    /** Abstract methods from superinterfaces that the interface does not override itself. */
    private List<ExecutableElement> inheritedAbstractMethods(TypeElement type) {
        return ElementFilter.methodsIn(elements.getAllMembers(type)).stream()
                .filter(method -> method.getModifiers().contains(Modifier.ABSTRACT))
                .filter(method -> !method.getEnclosingElement().equals(type))
                .toList();
    }
}
