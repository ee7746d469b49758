package dev.annonet.processor.plan;

import dev.annonet.processor.check.CheckedLayer;
import dev.annonet.processor.read.EmbeddingSpec;
import dev.annonet.processor.read.LstmSpec;
import java.util.List;

/** The kernel calls of the sequence layers, {@code @LSTM} and {@code @Embedding}; none for other layers. */
final class SequenceLowering {

    private SequenceLowering() {
    }

    static List<Op> forward(MemoryLayout memory, CheckedLayer layer) {
        if (layer.spec() instanceof LstmSpec lstm) {
            return List.of(lstm(memory, layer, lstm));
        }
        if (layer.spec() instanceof EmbeddingSpec embedding) {
            return List.of(embedding(memory, layer, embedding));
        }
        return List.of();
    }

    /** Backward of a layer that needs a gradient; {@code inputGradient}: its input needs one too. */
    static List<Op> backward(MemoryLayout memory, CheckedLayer layer, boolean inputGradient) {
        if (layer.spec() instanceof LstmSpec lstm) {
            Op.Lstm forward = lstm(memory, layer, lstm);
            return List.of(new Op.LstmBackward(forward, gradient(memory.output(layer)),
                    new Operand(Space.GRADIENTS, memory.kernel(layer)), gradient(memory.scratch(layer)),
                    inputGradient ? gradient(memory.output(layer.input())) : null));
        }
        if (layer.spec() instanceof EmbeddingSpec embedding) {
            return List.of(new Op.EmbeddingBackward(embedding(memory, layer, embedding), gradient(memory.output(layer)),
                    new Operand(Space.GRADIENTS, memory.parameter(layer, "embeddings"))));
        }
        return List.of();
    }

    private static Op.Lstm lstm(MemoryLayout memory, CheckedLayer layer, LstmSpec lstm) {
        List<Integer> input = layer.input().shape().dims();
        return new Op.Lstm(Extent.perSample(1), input.get(0), input.get(1), lstm.units().value(),
                lstm.returnSequences().value(), activation(memory.output(layer.input())),
                new Operand(Space.PARAMETERS, memory.kernel(layer)), activation(memory.scratch(layer)),
                activation(memory.output(layer)));
    }

    private static Op.Embedding embedding(MemoryLayout memory, CheckedLayer layer, EmbeddingSpec embedding) {
        return new Op.Embedding(Extent.perSample(layer.input().shape().size()), embedding.inputDim().value(),
                embedding.outputDim().value(), activation(memory.output(layer.input())),
                new Operand(Space.PARAMETERS, memory.parameter(layer, "embeddings")), activation(memory.output(layer)));
    }

    private static Operand activation(Tensor tensor) {
        return new Operand(Space.ACTIVATIONS, tensor);
    }

    private static Operand gradient(Tensor tensor) {
        return new Operand(Space.ACTIVATION_GRADIENTS, tensor);
    }
}
