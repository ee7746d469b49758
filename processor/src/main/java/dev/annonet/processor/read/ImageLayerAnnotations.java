package dev.annonet.processor.read;

import dev.annonet.dsl.AveragePooling2D;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.GlobalAveragePooling2D;
import dev.annonet.dsl.GlobalMaxPooling2D;
import dev.annonet.dsl.MaxPooling2D;
import dev.annonet.dsl.Padding;
import dev.annonet.dsl.ZeroPadding2D;
import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.VariableElement;

/** The convolutional layers' annotations and how each becomes a {@link LayerSpec}, for {@link LayerAnnotations}. */
final class ImageLayerAnnotations {

    private ImageLayerAnnotations() {
    }

    /** {@code readers} with the convolutional layers' added. */
    static Map<String, LayerAnnotations.SpecReader> with(Map<String, LayerAnnotations.SpecReader> readers) {
        Map<String, LayerAnnotations.SpecReader> all = new HashMap<>(readers);
        all.put(Conv2D.class.getCanonicalName(), (method, mirror, a) ->
                new Conv2DSpec(method, mirror, a.single("filters", Integer.class), a.list("kernel", Integer.class),
                        a.list("strides", Integer.class), padding(a), a.list("dilation", Integer.class), a.kind("activation"),
                        a.list("thresholds", Double.class), a.single("useBias", Boolean.class), a.list("from", String.class)));
        for (Class<?> pooling : new Class<?>[] {MaxPooling2D.class, AveragePooling2D.class}) {
            all.put(pooling.getCanonicalName(), (method, mirror, a) ->
                    new Pooling2DSpec(method, mirror, pooling == MaxPooling2D.class, a.list("pool", Integer.class),
                            a.list("strides", Integer.class), padding(a), a.list("from", String.class)));
        }
        for (Class<?> pooling : new Class<?>[] {GlobalMaxPooling2D.class, GlobalAveragePooling2D.class}) {
            all.put(pooling.getCanonicalName(), (method, mirror, a) ->
                    new GlobalPooling2DSpec(method, mirror, pooling == GlobalMaxPooling2D.class, a.list("from", String.class)));
        }
        all.put(ZeroPadding2D.class.getCanonicalName(), (method, mirror, a) ->
                new ZeroPadding2DSpec(method, mirror, a.list("padding", Integer.class), a.list("from", String.class)));
        all.put(BatchNormalization.class.getCanonicalName(), (method, mirror, a) ->
                new BatchNormalizationSpec(method, mirror, a.single("momentum", Double.class),
                        a.single("epsilon", Double.class), a.list("from", String.class)));
        return Map.copyOf(all);
    }

    private static Attribute<Padding> padding(AttributeReader attributes) {
        Attribute<VariableElement> constant = attributes.single("padding", VariableElement.class);
        try {
            return new Attribute<>("padding", Padding.valueOf(constant.value().getSimpleName().toString()), constant.written());
        } catch (IllegalArgumentException e) {
            throw new MalformedAnnotationException("padding");
        }
    }
}
