package dev.annonet.processor.check;

import dev.annonet.processor.read.Attribute;
import dev.annonet.processor.read.EmbeddingSpec;
import dev.annonet.processor.read.InputSpec;
import dev.annonet.processor.read.LstmSpec;
import java.util.Optional;

/** The rules of the sequence layers, {@code @LSTM} and {@code @Embedding}: their options and shapes. */
final class SequenceRules {

    private SequenceRules() {
    }

    /** Sizes that must be positive; other layers have none here. */
    static void checkOptions(LayerNode node, Diagnostics diagnostics) {
        if (node.spec() instanceof LstmSpec lstm) {
            requirePositive(node, lstm.units(), diagnostics);
        } else if (node.spec() instanceof EmbeddingSpec embedding) {
            requirePositive(node, embedding.inputDim(), diagnostics);
            requirePositive(node, embedding.outputDim(), diagnostics);
        }
    }

    /** True for the layers whose shape {@link #shape} infers. */
    static boolean isSequenceLayer(LayerNode node) {
        return node.spec() instanceof LstmSpec || node.spec() instanceof EmbeddingSpec;
    }

    /** The output shape of a sequence layer; empty, with the error reported, when its input does not fit. */
    static Optional<Shape> shape(LayerNode node, LayerNode inputNode, Shape input, Diagnostics diagnostics) {
        if (node.spec() instanceof LstmSpec lstm) {
            int units = lstm.units().value();
            if (input.rank() != 2) {
                node.error(diagnostics, lstm.from(), "@LSTM takes a sequence, (time, features) per sample, but its input '"
                        + inputNode.name() + "' has shape " + input + "; give it a rank-2 shape, e.g. with @Reshape");
                return Optional.empty();
            }
            if (units <= 0) {
                return Optional.empty();
            }
            return Optional.of(lstm.returnSequences().value() ? Shape.of(input.dims().get(0), units) : Shape.of(units));
        }
        EmbeddingSpec embedding = (EmbeddingSpec) node.spec();
        if (!(inputNode.spec() instanceof InputSpec)) {
            node.error(diagnostics, embedding.from(), "@Embedding takes integer indices from an @Input, but its input '"
                    + inputNode.name() + "' is @" + inputNode.spec().annotationName());
            return Optional.empty();
        }
        if (input.rank() != 1) {
            node.error(diagnostics, embedding.from(), "@Embedding takes a sequence of indices, (time) per sample, but its"
                    + " input '" + inputNode.name() + "' has shape " + input);
            return Optional.empty();
        }
        int outputDim = embedding.outputDim().value();
        return embedding.inputDim().value() <= 0 || outputDim <= 0
                ? Optional.empty()
                : Optional.of(Shape.of(input.size(), outputDim));
    }

    private static void requirePositive(LayerNode node, Attribute<Integer> size, Diagnostics diagnostics) {
        if (size.value() <= 0) {
            node.error(diagnostics, size, node.spec().describe(size) + " must be positive");
        }
    }

    /** Weight values, as Keras's summary counts them: 4u(in + u + 1) for an LSTM, the table for an Embedding. */
    static long parameterCount(CheckedLayer layer) {
        if (layer.spec() instanceof LstmSpec) {
            long units = layer.shape().last();
            return 4 * units * (layer.input().shape().last() + units + 1);
        }
        if (layer.spec() instanceof EmbeddingSpec embedding) {
            return (long) embedding.inputDim().value() * embedding.outputDim().value();
        }
        return 0;
    }
}
