package dev.annonet.processor.read;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.Dropout;
import dev.annonet.dsl.Embedding;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.LSTM;
import dev.annonet.dsl.Reshape;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/** The layer annotations and how each becomes a {@link LayerSpec}. */
public final class LayerAnnotations {

    @FunctionalInterface
    interface SpecReader {
        LayerSpec read(ExecutableElement method, AnnotationMirror mirror, AttributeReader attributes);
    }

    private static final Map<String, SpecReader> READERS = Map.of(
            Input.class.getCanonicalName(), (method, mirror, a) ->
                    new InputSpec(method, mirror, a.list("shape", Integer.class)),
            Dense.class.getCanonicalName(), (method, mirror, a) ->
                    new DenseSpec(method, mirror, a.single("units", Integer.class), a.kind("activation"),
                            a.list("thresholds", Double.class), a.single("useBias", Boolean.class),
                            a.list("kernel", Float.class), a.list("bias", Float.class), a.list("from", String.class)),
            Activation.class.getCanonicalName(), (method, mirror, a) ->
                    new ActivationSpec(method, mirror, a.kind("value"), a.list("thresholds", Double.class),
                            a.list("from", String.class)),
            Dropout.class.getCanonicalName(), (method, mirror, a) ->
                    new DropoutSpec(method, mirror, a.single("rate", Double.class), a.list("from", String.class)),
            Flatten.class.getCanonicalName(), (method, mirror, a) ->
                    new FlattenSpec(method, mirror, a.list("from", String.class)),
            Reshape.class.getCanonicalName(), (method, mirror, a) ->
                    new ReshapeSpec(method, mirror, a.list("shape", Integer.class), a.list("from", String.class)),
            LSTM.class.getCanonicalName(), (method, mirror, a) ->
                    new LstmSpec(method, mirror, a.single("units", Integer.class),
                            a.single("returnSequences", Boolean.class), a.list("from", String.class)),
            Embedding.class.getCanonicalName(), (method, mirror, a) ->
                    new EmbeddingSpec(method, mirror, a.single("inputDim", Integer.class),
                            a.single("outputDim", Integer.class), a.list("from", String.class)));

    private static final Map<String, SpecReader> ALL = ImageLayerAnnotations.with(READERS);

    private LayerAnnotations() {
    }

    /** Qualified names of the layer annotations. */
    public static Set<String> names() {
        return ALL.keySet();
    }

    /** The layer annotations on {@code element}, in source order. */
    public static List<AnnotationMirror> on(Element element) {
        return element.getAnnotationMirrors().stream()
                .filter(LayerAnnotations::isLayer)
                .map(AnnotationMirror.class::cast)
                .toList();
    }

    static LayerSpec read(ExecutableElement method, AnnotationMirror mirror, Elements elements) {
        return ALL.get(qualifiedName(mirror)).read(method, mirror, new AttributeReader(mirror, elements));
    }

    private static boolean isLayer(AnnotationMirror mirror) {
        return ALL.containsKey(qualifiedName(mirror));
    }

    private static String qualifiedName(AnnotationMirror mirror) {
        return ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
    }
}
