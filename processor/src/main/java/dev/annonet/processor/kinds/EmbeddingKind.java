package dev.annonet.processor.kinds;

import dev.annonet.contract.Initializer;
import dev.annonet.processor.check.Diagnostics;
import dev.annonet.processor.check.LayerInput;
import dev.annonet.processor.check.LayerNode;
import dev.annonet.processor.check.Shape;
import dev.annonet.processor.plan.Extent;
import dev.annonet.processor.plan.LayerOps;
import dev.annonet.processor.plan.Op;
import dev.annonet.processor.plan.WeightValues;
import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.LayerSpec;
import java.util.List;
import java.util.Optional;

/** {@code @Embedding(inputDim, outputDim)}: row {@code i} of a trained table for each index {@code i} of an {@code @Input}. */
final class EmbeddingKind implements SingleInputKind {

    private record Resolved(Shape shape, int indices, int inputDim, int outputDim) implements ResolvedLayer {

        @Override
        public List<Weight> weights() {
            return List.of(new Weight("embeddings", Shape.of(inputDim, outputDim), WeightValues.trained(Initializer.uniform(0.05))));
        }

        @Override
        public int indexLimit() {
            return inputDim;
        }

        @Override
        public List<Op> forward(LayerOps ops) {
            return List.of(embedding(ops));
        }

        @Override
        public List<Op> backward(LayerOps ops) {
            return List.of(new Op.EmbeddingBackward(embedding(ops), ops.dy(), ops.gradient("embeddings")));
        }

        private Op.Embedding embedding(LayerOps ops) {
            return new Op.Embedding(Extent.perSample(indices), inputDim, outputDim, ops.x(), ops.parameter("embeddings"),
                    ops.y());
        }
    }

    @Override
    public String kerasType() {
        return "Embedding";
    }

    @Override
    public void checkOptions(LayerNode layer, Diagnostics diagnostics) {
        Options.requirePositive(layer, layer.spec().attribute("inputDim"), diagnostics);
        Options.requirePositive(layer, layer.spec().attribute("outputDim"), diagnostics);
    }

    @Override
    public Optional<ResolvedLayer> resolve(LayerNode layer, LayerInput input, Diagnostics diagnostics) {
        LayerSpec spec = layer.spec();
        Attribute<List<String>> from = spec.from();
        if (input.node().spec().takesInput()) {
            layer.error(diagnostics, from, "@Embedding takes integer indices from an @Input, but its input '"
                    + input.name() + "' is @" + input.node().spec().annotationName());
            return Optional.empty();
        }
        if (input.shape().rank() != 1) {
            layer.error(diagnostics, from, "@Embedding takes a sequence of indices, (time) per sample, but its"
                    + " input '" + input.name() + "' has shape " + input.shape());
            return Optional.empty();
        }
        int inputDim = spec.<Integer>attribute("inputDim").value();
        int outputDim = spec.<Integer>attribute("outputDim").value();
        return inputDim <= 0 || outputDim <= 0
                ? Optional.empty()
                : Optional.of(new Resolved(Shape.of(input.shape().size(), outputDim), input.shape().size(), inputDim, outputDim));
    }
}
