package dev.annonet.processor.read;

import dev.annonet.dsl.Arg;
import dev.annonet.dsl.Block;
import dev.annonet.dsl.Network;
import dev.annonet.dsl.Param;
import dev.annonet.dsl.Use;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/** The layer annotations: every annotation type of {@code dev.annonet.dsl} but those that declare networks and blocks. */
public final class LayerAnnotations {
    private static final Set<String> NOT_LAYERS = Set.of(Network.class.getCanonicalName(), Block.class.getCanonicalName(),
            Use.class.getCanonicalName(), Arg.class.getCanonicalName(), Param.class.getCanonicalName());

    private LayerAnnotations() {
    }

    public static boolean isLayer(TypeElement annotationType) {
        return annotationType.getKind() == ElementKind.ANNOTATION_TYPE
                && !NOT_LAYERS.contains(annotationType.getQualifiedName().toString())
                && annotationType.getEnclosingElement().toString().equals(Network.class.getPackageName());
    }

    /** The layer annotations on {@code element}, in source order. */
    public static List<AnnotationMirror> on(Element element) {
        return element.getAnnotationMirrors().stream()
                .filter(mirror -> isLayer((TypeElement) mirror.getAnnotationType().asElement()))
                .map(AnnotationMirror.class::cast)
                .toList();
    }

    static LayerSpec read(ExecutableElement method, AnnotationMirror mirror, Elements elements) {
        return new LayerSpec(method, mirror, new AttributeReader(mirror, elements).all());
    }
}
