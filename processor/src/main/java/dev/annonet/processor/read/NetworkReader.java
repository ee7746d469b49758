package dev.annonet.processor.read;

import dev.annonet.dsl.Block;
import dev.annonet.dsl.Layer;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Param;
import dev.annonet.dsl.Use;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** Turns a {@code @Network} type, and the {@code @Block} types it uses, into a {@link NetworkSpec}, judging nothing. */
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
            List<MemberSpec> members = isInterface ? members(type) : List.of();
            return Optional.of(new NetworkSpec(type, network, modelName, attributes.strings("outputs"), members,
                    isInterface ? inheritedAbstractMethods(type) : List.of(), blocks(members)));
        } catch (MalformedAnnotationException e) {
            return Optional.empty();
        }
    }

    /** Every block the members use, directly or through other blocks, each read once (a block may use itself). */
    private Map<TypeElement, BlockSpec> blocks(List<MemberSpec> members) {
        Map<TypeElement, BlockSpec> blocks = new LinkedHashMap<>();
        Deque<MemberSpec> pending = new ArrayDeque<>(members);
        while (!pending.isEmpty()) {
            MemberSpec member = pending.pop();
            if (member.usesBlock() && !blocks.containsKey(member.use().block())) {
                TypeElement type = member.use().block();
                boolean isInterface = type.getKind() == ElementKind.INTERFACE;
                BlockSpec block = new BlockSpec(type, isInterface ? members(type) : List.of(),
                        isInterface ? inheritedAbstractMethods(type) : List.of());
                blocks.put(type, block);
                pending.addAll(block.members());
            }
        }
        return blocks;
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
        List<ParamSpec> params = annotations(method, Param.class)
                .map(mirror -> param(mirror, layers.isEmpty() ? null : layers.get(0).annotation()))
                .toList();
        return new MemberSpec(method, method.getSimpleName().toString(), form(method), layers, use(method), params);
    }

    /** The {@code @Block} the method returns, with its {@code @Use}; null when it returns no block. */
    private UseSpec use(ExecutableElement method) {
        TypeMirror returnType = method.getReturnType();
        if (returnType.getKind() != TypeKind.DECLARED) {
            return null;
        }
        TypeElement block = (TypeElement) ((DeclaredType) returnType).asElement();
        if (block.getAnnotation(Block.class) == null) {
            return null;
        }
        AnnotationMirror use = annotations(method, Use.class).findFirst().orElse(null);
        if (use == null) {
            return new UseSpec(block, null, new Attribute<>("from", List.of(), null), List.of());
        }
        AttributeReader reader = new AttributeReader(use, elements);
        @SuppressWarnings("unchecked")
        Attribute<List<String>> from = (Attribute<List<String>>) reader.named("from");
        List<UseSpec.ArgSpec> args = reader.annotations("args").stream().map(this::arg).toList();
        return new UseSpec(block, use, from, args);
    }

    @SuppressWarnings("unchecked")
    private UseSpec.ArgSpec arg(AnnotationValue written) {
        AttributeReader reader = new AttributeReader((AnnotationMirror) written.getValue(), elements);
        return new UseSpec.ArgSpec((String) reader.named("name").value(), (List<Integer>) reader.named("value").value(),
                written);
    }

    /** {@code layer}: the member's layer annotation, whose attribute the parameter sets; null when it has none. */
    private ParamSpec param(AnnotationMirror mirror, AnnotationMirror layer) {
        AttributeReader reader = new AttributeReader(mirror, elements);
        String name = (String) reader.named("value").value();
        String attribute = (String) reader.named("attribute").value();
        String target = attribute.isEmpty() ? name : attribute;
        return new ParamSpec(name, target, layer == null ? ParamSpec.AttributeType.MISSING : attributeType(layer, target),
                mirror);
    }

    private static ParamSpec.AttributeType attributeType(AnnotationMirror layer, String attribute) {
        return ElementFilter.methodsIn(layer.getAnnotationType().asElement().getEnclosedElements()).stream()
                .filter(method -> method.getSimpleName().contentEquals(attribute))
                .findFirst()
                .map(method -> method.getReturnType().toString())
                .map(type -> switch (type) {
                    case "int" -> ParamSpec.AttributeType.INT;
                    case "int[]" -> ParamSpec.AttributeType.INT_ARRAY;
                    default -> ParamSpec.AttributeType.OTHER;
                })
                .orElse(ParamSpec.AttributeType.MISSING);
    }

    /** The annotations of {@code type} on {@code element}, those inside a repeatable's container included. */
    private Stream<AnnotationMirror> annotations(Element element, Class<?> type) {
        return element.getAnnotationMirrors().stream()
                .<AnnotationMirror>map(mirror -> mirror)
                .flatMap(mirror -> {
                    String name = ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
                    if (name.equals(type.getCanonicalName())) {
                        return Stream.of(mirror);
                    }
                    if (name.equals(Param.List.class.getCanonicalName()) && type == Param.class) {
                        return new AttributeReader(mirror, elements).annotations("value").stream()
                                .map(value -> (AnnotationMirror) value.getValue());
                    }
                    return Stream.empty();
                });
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
