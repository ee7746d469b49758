package dev.annonet.processor.kinds;

import dev.annonet.dsl.Activation;
import dev.annonet.dsl.Add;
import dev.annonet.dsl.Average;
import dev.annonet.dsl.AveragePooling2D;
import dev.annonet.dsl.BatchNormalization;
import dev.annonet.dsl.Concatenate;
import dev.annonet.dsl.Conv1D;
import dev.annonet.dsl.Conv2D;
import dev.annonet.dsl.Cropping2D;
import dev.annonet.dsl.Dense;
import dev.annonet.dsl.DepthwiseConv2D;
import dev.annonet.dsl.Dropout;
import dev.annonet.dsl.Embedding;
import dev.annonet.dsl.Flatten;
import dev.annonet.dsl.GRU;
import dev.annonet.dsl.GlobalAveragePooling2D;
import dev.annonet.dsl.GlobalMaxPooling2D;
import dev.annonet.dsl.Input;
import dev.annonet.dsl.LSTM;
import dev.annonet.dsl.MaxPooling2D;
import dev.annonet.dsl.Maximum;
import dev.annonet.dsl.Minimum;
import dev.annonet.dsl.Multiply;
import dev.annonet.dsl.ReLU;
import dev.annonet.dsl.Reshape;
import dev.annonet.dsl.SeparableConv2D;
import dev.annonet.dsl.Subtract;
import dev.annonet.dsl.ZeroPadding2D;
import dev.annonet.processor.read.LayerSpec;
import java.lang.annotation.Annotation;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.TypeElement;

/** The one table of layer kinds: each layer annotation and what it means. A new layer is one line here. */
public final class LayerKinds {
    private static final Map<String, LayerKind> KINDS = Map.ofEntries(
            // core
            kind(Input.class, new InputKind()),
            kind(Dense.class, new DenseKind()),
            kind(Activation.class, new ActivationKind()),
            kind(ReLU.class, new ReluKind()),
            kind(Dropout.class, new DropoutKind()),
            kind(Flatten.class, new FlattenKind()),
            kind(Reshape.class, new ReshapeKind()),
            kind(BatchNormalization.class, new BatchNormalizationKind()),
            // images, (height, width, channels)
            kind(Conv2D.class, new Conv2DKind()),
            kind(DepthwiseConv2D.class, new DepthwiseKind(false)),
            kind(SeparableConv2D.class, new DepthwiseKind(true)),
            kind(MaxPooling2D.class, new Pooling2DKind(true)),
            kind(AveragePooling2D.class, new Pooling2DKind(false)),
            kind(GlobalMaxPooling2D.class, new GlobalPooling2DKind(true)),
            kind(GlobalAveragePooling2D.class, new GlobalPooling2DKind(false)),
            kind(ZeroPadding2D.class, new ZeroPadding2DKind()),
            kind(Cropping2D.class, new Cropping2DKind()),
            // sequences, (time, features)
            kind(Conv1D.class, new Conv1DKind()),
            kind(LSTM.class, new LstmKind()),
            kind(GRU.class, new GruKind()),
            kind(Embedding.class, new EmbeddingKind()),
            // merges, from = {"a", "b", ...}
            kind(Add.class, ElementwiseMergeKind.add()),
            kind(Subtract.class, ElementwiseMergeKind.subtract()),
            kind(Multiply.class, ElementwiseMergeKind.multiply()),
            kind(Average.class, ElementwiseMergeKind.average()),
            kind(Maximum.class, ElementwiseMergeKind.maximum()),
            kind(Minimum.class, ElementwiseMergeKind.minimum()),
            kind(Concatenate.class, new ConcatenateKind()));

    private LayerKinds() {
    }

    /** Qualified names of the annotations that have a kind. */
    public static Set<String> annotations() {
        return KINDS.keySet();
    }

    /** The kind of the layer's annotation. */
    public static LayerKind of(LayerSpec spec) {
        String name = ((TypeElement) spec.annotation().getAnnotationType().asElement()).getQualifiedName().toString();
        LayerKind kind = KINDS.get(name);
        if (kind == null) {
            throw new IllegalStateException("@" + spec.annotationName() + " has no layer kind in " + LayerKinds.class.getName());
        }
        return kind;
    }

    private static Map.Entry<String, LayerKind> kind(Class<? extends Annotation> annotation, LayerKind kind) {
        return Map.entry(annotation.getCanonicalName(), kind);
    }
}
